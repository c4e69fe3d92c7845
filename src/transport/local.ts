import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { IngressError } from '../errors.js';
import { ShellTransport, type RawResult, type RunOptions } from './shell-transport.js';
import { TIMEOUT_RC, timeoutNote } from './shell.js';

/** Runs commands on the controller itself (ansible_connection=local). */
export class LocalTransport extends ShellTransport {
  readonly hostName: string;
  private readonly running = new Set<number>();
  private closed = false;

  constructor(hostName = 'localhost') {
    super();
    this.hostName = hostName;
  }

  override isAlive(): boolean {
    return !this.closed;
  }

  runLine(line: string, options: RunOptions = {}): Promise<RawResult> {
    if (this.closed) {
      return Promise.reject(
        new IngressError('E_UNREACHABLE', `${this.hostName}: the local transport is closed`),
      );
    }
    return new Promise((resolve, reject) => {
      // A process group of its own, so a timeout kills the whole tree.
      const child = spawn('/bin/sh', ['-c', line], { detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let timedOut = false;
      const pid = child.pid;
      if (pid !== undefined) this.running.add(pid);
      const timer =
        options.timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              timedOut = true;
              killGroup(pid);
            }, options.timeoutMs);
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      // A command that does not read its input closes the pipe early; that is not an error.
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.stdin ?? '');
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (pid !== undefined) this.running.delete(pid);
        if (timedOut) stderr.push(Buffer.from(timeoutNote(options.timeoutMs ?? 0)));
        const rc = timedOut ? TIMEOUT_RC : (code ?? 128 + signalNumber(signal));
        resolve({ stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr), rc });
      });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pid of this.running) killGroup(pid);
    this.running.clear();
  }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return (signal && constants.signals[signal]) || 1;
}
