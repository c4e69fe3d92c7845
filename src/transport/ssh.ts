import type { Client } from 'ssh2';
import { IngressError } from '../errors.js';
import { Semaphore } from './semaphore.js';
import { ShellTransport, type RawResult, type RunOptions } from './shell-transport.js';
import { timeoutLine } from './shell.js';
import { execOnChannel, type ExecOutcome } from './ssh-channel.js';
import { openSshClient, unreachable } from './ssh-connect.js';
import type { ConnectionSpec } from './types.js';
import { sleep } from '../time/sleep.js';

/** OpenSSH allows 10 sessions per connection (MaxSessions); stay below it. */
const MAX_CHANNELS = 8;
/** Opening a channel is retried this often when sshd refuses it on a live link. */
const OPEN_RETRIES = 8;

/**
 * One SSH connection to one host; every exec, put and get is a channel on it.
 * A link that dropped is reconnected once for a command that had not started;
 * a command cut off while running is never run twice.
 */
export class SshTransport extends ShellTransport {
  readonly hostName: string;
  private client!: Client;
  private alive = false;
  private closed = false;
  private reconnecting: Promise<void> | undefined;
  private readonly channels = new Semaphore(MAX_CHANNELS);
  /** How often a dropped link was connected again (a healthy run keeps 0). */
  reconnects = 0;

  private constructor(
    private readonly spec: ConnectionSpec,
    client: Client,
    private readonly open: (spec: ConnectionSpec) => Promise<Client>,
  ) {
    super();
    this.hostName = spec.hostName;
    this.adopt(client);
  }

  /** Connects and verifies the host key; E_UNREACHABLE or E_HOSTKEY on failure. */
  static async connect(
    spec: ConnectionSpec,
    open: (spec: ConnectionSpec) => Promise<Client> = openSshClient,
  ): Promise<SshTransport> {
    return new SshTransport(spec, await open(spec), open);
  }

  private adopt(client: Client): void {
    this.client = client;
    this.alive = true;
    const down = (): void => {
      if (this.client === client) this.alive = false;
    };
    // ssh2 marks the link down (close/end/error) before it fails the channels it had.
    client.on('close', down);
    client.on('end', down);
    client.on('error', down);
  }

  /** Usable until closed: a dropped link is connected again by the next command. */
  override isAlive(): boolean {
    return !this.closed;
  }

  async runLine(line: string, options: RunOptions = {}): Promise<RawResult> {
    if (this.closed) throw unreachable(this.spec, 'the connection is closed');
    const release = await this.channels.acquire();
    try {
      return await this.runWithRetries(timeoutLine(line, options.timeoutMs), options);
    } finally {
      release();
    }
  }

  private async runWithRetries(line: string, options: RunOptions): Promise<RawResult> {
    let reconnected = false;
    for (let attempt = 0; ; attempt += 1) {
      if (!this.alive) {
        if (reconnected || this.closed) throw unreachable(this.spec, 'the connection dropped');
        await this.reconnect();
        reconnected = true;
      }
      const client = this.client;
      const outcome = await execOnChannel(client, line, options, () => this.alive && this.client === client);
      if (outcome.kind === 'done') return outcome.result;
      if (outcome.kind !== 'not-started') throw this.outcomeError(outcome);
      // A refusal on a live link: sshd frees a session slot a little after a channel closes.
      if (this.alive && this.client === client) {
        if (attempt >= OPEN_RETRIES) {
          throw unreachable(this.spec, `cannot open a channel: ${outcome.error.message}`, outcome.error);
        }
        await sleep(50 * (attempt + 1));
      }
    }
  }

  private outcomeError(outcome: Exclude<ExecOutcome, { kind: 'done' | 'not-started' }>): IngressError {
    if (outcome.kind === 'no-status') {
      return new IngressError(
        'E_MODULE',
        `the command on ${this.hostName} ended without an exit status (sshd closed its channel)`,
      );
    }
    return unreachable(this.spec, 'connection lost while running a command', outcome.error);
  }

  /** One reconnect shared by every command that found the link down. */
  private reconnect(): Promise<void> {
    this.reconnecting ??= this.open(this.spec)
      .then((client) => {
        if (this.closed) client.end();
        else {
          this.reconnects += 1;
          this.adopt(client);
        }
      })
      .finally(() => {
        this.reconnecting = undefined;
      });
    return this.reconnecting;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.reconnecting?.catch(() => undefined);
    if (!this.alive) return;
    const client = this.client;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        client.destroy();
        resolve();
      }, 2_000);
      client.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      client.end();
    });
    this.alive = false;
  }
}
