import { IngressError } from '../errors.js';
import { getScript, putScript, shellLine } from './shell.js';
import type { ExecOptions, ExecResult, Transport } from './types.js';

/** What running one shell line returned, bytes untouched (get needs binary-safe output). */
export interface RawResult {
  stdout: Buffer;
  stderr: Buffer;
  rc: number;
}

export interface RunOptions {
  stdin?: string | Buffer;
  timeoutMs?: number;
}

/**
 * Shared half of every transport: exec, put and get are all shell lines, so
 * an implementation only says how to run one line (and sudo can wrap it).
 */
export abstract class ShellTransport implements Transport {
  abstract readonly hostName: string;

  /** Runs a complete shell line on the host. */
  abstract runLine(line: string, options?: RunOptions): Promise<RawResult>;

  abstract close(): Promise<void>;

  /** False once the link to the host is gone, so a pool can reconnect. */
  isAlive(): boolean {
    return true;
  }

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const result = await this.runLine(shellLine(command, options), {
      stdin: options.stdin,
      timeoutMs: options.timeoutMs,
    });
    return { stdout: result.stdout.toString('utf8'), stderr: result.stderr.toString('utf8'), rc: result.rc };
  }

  async put(remotePath: string, content: string | Buffer, options: { mode?: number } = {}): Promise<void> {
    const result = await this.runLine(putScript(remotePath, options.mode ?? 0o600), { stdin: content });
    if (result.rc !== 0) throw fileError('write', remotePath, this.hostName, result);
  }

  async get(remotePath: string): Promise<Buffer> {
    const result = await this.runLine(getScript(remotePath));
    if (result.rc !== 0) throw fileError('read', remotePath, this.hostName, result);
    return result.stdout;
  }
}

export function fileError(verb: string, path: string, hostName: string, result: RawResult): IngressError {
  const why = result.stderr.toString('utf8').trim() || `exit status ${result.rc}`;
  return new IngressError('E_MODULE', `cannot ${verb} ${path} on ${hostName}: ${why}`);
}
