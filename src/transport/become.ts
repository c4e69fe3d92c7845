import { quote } from 'shlex';
import { ShellTransport, fileError, type RawResult, type RunOptions } from './shell-transport.js';
import { putScript, shellLine, timeoutLine } from './shell.js';
import type { BecomeSpec, ExecOptions, ExecResult, Transport } from './types.js';

/** `sudo -n`: never prompt (there is no terminal); a password requirement fails loudly instead. */
export function sudoLine(user: string, line: string): string {
  return `sudo -n -H -u ${quote(user)} -- /bin/sh -c ${quote(line)}`;
}

/**
 * Whether privilege escalation is a no-op: become is off, or the connection
 * already runs as the become user (root to root needs no sudo, and a minimal
 * host may not even have sudo installed).
 */
export function becomeIsIdentity(become: BecomeSpec, connectedUser: string | undefined): boolean {
  return !become.become || connectedUser === become.user;
}

class SudoShellTransport extends ShellTransport {
  readonly hostName: string;

  constructor(
    private readonly inner: ShellTransport,
    private readonly user: string,
  ) {
    super();
    this.hostName = inner.hostName;
  }

  runLine(line: string, options?: RunOptions): Promise<RawResult> {
    // The timeout goes inside sudo too: sudo runs the command on its own pty, out of reach of an outer kill.
    return this.inner.runLine(sudoLine(this.user, timeoutLine(line, options?.timeoutMs)), options);
  }

  override isAlive(): boolean {
    return this.inner.isAlive();
  }

  /** The connection belongs to the pool, not to this view of it. */
  async close(): Promise<void> {}
}

/** Through the public interface only: for transports that are not shell-based. */
class SudoTransport implements Transport {
  readonly hostName: string;

  constructor(
    private readonly inner: Transport,
    private readonly user: string,
  ) {
    this.hostName = inner.hostName;
  }

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const { cwd, env, ...rest } = options;
    return this.inner.exec(sudoLine(this.user, shellLine(command, { cwd, env })), rest);
  }

  async put(remotePath: string, content: string | Buffer, options: { mode?: number } = {}): Promise<void> {
    const result = await this.exec(putScript(remotePath, options.mode ?? 0o600), { stdin: content });
    if (result.rc !== 0) throw fileError('write', remotePath, this.hostName, asRaw(result));
  }

  async get(remotePath: string): Promise<Buffer> {
    // stdout is text here, so binary content travels as base64.
    const result = await this.exec(`base64 < ${quote(remotePath)}`);
    if (result.rc !== 0) throw fileError('read', remotePath, this.hostName, asRaw(result));
    return Buffer.from(result.stdout, 'base64');
  }

  async close(): Promise<void> {}
}

function asRaw(result: ExecResult): RawResult {
  return { stdout: Buffer.from(result.stdout), stderr: Buffer.from(result.stderr), rc: result.rc };
}

/**
 * The same host seen as `become.user` (sudo). `connectedUser` is the SSH (or
 * local) user, so becoming the user one already is skips sudo and returns the
 * transport itself. Close connections through their pool, not through this.
 */
export function withBecome(
  transport: Transport,
  become: BecomeSpec,
  options: { connectedUser?: string } = {},
): Transport {
  if (becomeIsIdentity(become, options.connectedUser)) return transport;
  if (transport instanceof ShellTransport) return new SudoShellTransport(transport, become.user);
  return new SudoTransport(transport, become.user);
}
