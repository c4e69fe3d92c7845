import { constants } from 'node:os';
import { Client, type ClientChannel, type ServerHostKeyAlgorithm } from 'ssh2';
import { IngressError } from '../errors.js';
import { loadHostKeyPolicy } from './host-key-policy.js';
import { Semaphore } from './semaphore.js';
import { ShellTransport, type RawResult, type RunOptions } from './shell-transport.js';
import { TIMEOUT_RC, timeoutLine, timeoutNote } from './shell.js';
import { authMethods } from './ssh-auth.js';
import type { ConnectionSpec } from './types.js';

/** OpenSSH allows 10 sessions per connection (MaxSessions); stay below it. */
const MAX_CHANNELS = 8;
const KEEPALIVE_MS = 5_000;
const OPEN_RETRIES = 8;
/** Slack for the remote `timeout` to kill the command before the channel is dropped. */
const TIMEOUT_GRACE_MS = 3_000;

function unreachable(spec: ConnectionSpec, why: string, cause?: unknown): IngressError {
  return new IngressError(
    'E_UNREACHABLE',
    `host unreachable: ${spec.hostName} (${spec.user}@${spec.address}:${spec.port}): ${why}`,
    { cause },
  );
}

function describe(err: Error & { level?: string; code?: string }): string {
  if (err.level === 'client-authentication') return 'authentication failed (all methods were refused)';
  if (err.level === 'client-timeout') return 'timed out during the SSH handshake';
  if (err.code === 'ECONNREFUSED') return 'connection refused (is sshd running?)';
  if (err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH') return `no route to host (${err.code})`;
  return err.message;
}

/** One SSH connection to one host; every exec, put and get is a channel on it. */
export class SshTransport extends ShellTransport {
  readonly hostName: string;
  private alive = true;
  private readonly channels = new Semaphore(MAX_CHANNELS);

  private constructor(
    private readonly spec: ConnectionSpec,
    private readonly client: Client,
  ) {
    super();
    this.hostName = spec.hostName;
    client.on('close', () => (this.alive = false));
    // Errors after the handshake surface through the channels that fail.
    client.on('error', () => (this.alive = false));
  }

  /** Connects and verifies the host key; E_UNREACHABLE or E_HOSTKEY on failure. */
  static async connect(spec: ConnectionSpec): Promise<SshTransport> {
    const policy = await loadHostKeyPolicy(spec);
    const auth = await authMethods(spec);
    return new Promise((resolve, reject) => {
      const client = new Client();
      let hostKeyError: IngressError | undefined;
      let settled = false;
      const fail = (err: IngressError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        client.destroy();
        reject(err);
      };
      // ssh2's readyTimeout does not cover every stall (e.g. a silent TCP peer), so keep our own.
      const timer = setTimeout(
        () => fail(unreachable(spec, `no SSH answer within ${spec.connectTimeoutMs} ms`)),
        spec.connectTimeoutMs,
      );
      client.once('ready', () => {
        settled = true;
        clearTimeout(timer);
        resolve(new SshTransport(spec, client));
      });
      client.on('error', (err) => fail(hostKeyError ?? unreachable(spec, describe(err), err)));
      client.on('close', () =>
        fail(hostKeyError ?? unreachable(spec, 'connection closed during the handshake')),
      );
      client.connect({
        host: spec.address,
        port: spec.port,
        username: spec.user,
        authHandler: auth,
        readyTimeout: spec.connectTimeoutMs,
        keepaliveInterval: KEEPALIVE_MS,
        keepaliveCountMax: 3,
        algorithms: { serverHostKey: policy.algorithms as ServerHostKeyAlgorithm[] },
        hostVerifier: (key: Buffer, verify: (valid: boolean) => void) => {
          policy.verify(key).then(
            (err) => {
              hostKeyError = err;
              verify(err === undefined);
            },
            (err: unknown) => {
              hostKeyError = err instanceof IngressError ? err : new IngressError('E_HOSTKEY', String(err));
              verify(false);
            },
          );
        },
      });
    });
  }

  override isAlive(): boolean {
    return this.alive;
  }

  async runLine(line: string, options: RunOptions = {}): Promise<RawResult> {
    if (!this.alive) throw unreachable(this.spec, 'the connection is closed');
    const release = await this.channels.acquire();
    try {
      const channel = await this.openChannel(timeoutLine(line, options.timeoutMs));
      return await collect(channel, options, () =>
        unreachable(this.spec, 'connection lost while running a command'),
      );
    } finally {
      release();
    }
  }

  /**
   * sshd frees a session slot a little after the channel closes, so an open
   * refused while other channels run is retried briefly before giving up.
   */
  private async openChannel(line: string): Promise<ClientChannel> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.openChannelOnce(line);
      } catch (err) {
        if (!this.alive || attempt >= OPEN_RETRIES) {
          throw unreachable(this.spec, `cannot open a channel: ${(err as Error).message}`, err);
        }
        await new Promise((resolve) => setTimeout(resolve, 50 * (attempt + 1)));
      }
    }
  }

  private openChannelOnce(line: string): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      this.client.exec(line, (err, channel) => (err ? reject(err) : resolve(channel)));
    });
  }

  async close(): Promise<void> {
    if (!this.alive) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.client.destroy();
        resolve();
      }, 2_000);
      this.client.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.client.end();
    });
    this.alive = false;
  }
}

function collect(channel: ClientChannel, options: RunOptions, lost: () => IngressError): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const started = Date.now();
    let rc: number | undefined;
    let settled = false;
    const finish = (code: number | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (code === undefined) return reject(lost());
      // 124: `timeout` stopped it; 137: its KILL follow-up was needed.
      const late = options.timeoutMs !== undefined && Date.now() - started >= options.timeoutMs;
      const expired = late && (code === TIMEOUT_RC || code === 128 + constants.signals.SIGKILL);
      if (expired) stderr.push(Buffer.from(timeoutNote(options.timeoutMs ?? 0)));
      resolve({
        stdout: Buffer.concat(stdout),
        stderr: Buffer.concat(stderr),
        rc: expired ? TIMEOUT_RC : code,
      });
    };
    // Last resort if the host never answers: drop the channel and report the timeout.
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            finish(TIMEOUT_RC);
            channel.close();
          }, options.timeoutMs + TIMEOUT_GRACE_MS);
    channel.on('data', (chunk: Buffer) => stdout.push(chunk));
    channel.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    channel.on('exit', (code: number | null, signal?: string) => {
      rc = code ?? 128 + ((signal && constants.signals[signal as NodeJS.Signals]) || 1);
    });
    channel.on('close', () => finish(rc));
    channel.end(options.stdin ?? '');
  });
}
