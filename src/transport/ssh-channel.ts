import { constants } from 'node:os';
import type { Client, ClientChannel } from 'ssh2';
import type { RawResult, RunOptions } from './shell-transport.js';
import { TIMEOUT_RC, timeoutNote } from './shell.js';

/** Slack for the remote `timeout` to kill the command before the channel is dropped. */
const TIMEOUT_GRACE_MS = 3_000;

/**
 * How one exec on a channel ended. Only `not-started` is safe to try again:
 * `lost` means the link dropped once the command may have begun.
 */
export type ExecOutcome =
  | { kind: 'done'; result: RawResult }
  | { kind: 'not-started'; error: Error }
  | { kind: 'lost'; error?: Error }
  /** sshd closed the channel without an exit status while the link stayed up. */
  | { kind: 'no-status' };

/** ssh2's messages for a session that was never opened, so no command ran. */
const NOT_OPENED = /Channel open failure|Not connected|Channel is not open|No response from server/;

function classifyExecError(error: Error, linkUp: boolean): ExecOutcome {
  // An exec refused on a live link ("Unable to exec") did not run either.
  if (NOT_OPENED.test(error.message) || linkUp) return { kind: 'not-started', error };
  return { kind: 'lost', error };
}

function exitStatus(code: unknown, signal: unknown): number | undefined {
  if (typeof code === 'number') return code;
  if (typeof signal !== 'string') return undefined;
  return 128 + (constants.signals[signal as NodeJS.Signals] || 1);
}

/** Runs one line on a new channel of `client`; never rejects. */
export function execOnChannel(
  client: Client,
  line: string,
  options: RunOptions,
  linkUp: () => boolean,
): Promise<ExecOutcome> {
  return new Promise((resolve) => {
    try {
      client.exec(line, (err, channel) => {
        if (err) resolve(classifyExecError(err, linkUp()));
        // Listeners go on in this same callback: ssh2 may emit 'exit' for a fast
        // command before any promise continuation could attach them.
        else collect(channel, options, linkUp, resolve);
      });
    } catch (err) {
      resolve({ kind: 'not-started', error: err as Error });
    }
  });
}

function collect(
  channel: ClientChannel,
  options: RunOptions,
  linkUp: () => boolean,
  done: (outcome: ExecOutcome) => void,
): void {
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  const started = Date.now();
  let exit: { code: unknown; signal: unknown } | undefined;
  let settled = false;
  const finish = (outcome: ExecOutcome): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    done(outcome);
  };
  const result = (code: number): ExecOutcome => {
    // 124: `timeout` stopped it; 137: its KILL follow-up was needed.
    const late = options.timeoutMs !== undefined && Date.now() - started >= options.timeoutMs;
    const expired = late && (code === TIMEOUT_RC || code === 128 + constants.signals.SIGKILL);
    if (expired) stderr.push(Buffer.from(timeoutNote(options.timeoutMs ?? 0)));
    const rc = expired ? TIMEOUT_RC : code;
    return { kind: 'done', result: { stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr), rc } };
  };
  // Last resort if the host never answers: drop the channel and report the timeout.
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          finish(result(TIMEOUT_RC));
          channel.close();
        }, options.timeoutMs + TIMEOUT_GRACE_MS);
  channel.on('data', (chunk: Buffer) => stdout.push(chunk));
  channel.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  // Failures show up as a close without a status; an unheard 'error' would crash the process.
  channel.on('error', () => undefined);
  channel.on('exit', (code: unknown, signal: unknown) => (exit = { code, signal }));
  // ssh2 passes the exit status to 'close' as well; take it from either.
  channel.on('close', (code: unknown, signal: unknown) => {
    const status = exitStatus(exit?.code ?? code, exit?.signal ?? signal);
    if (status !== undefined) return finish(result(status));
    // The client marks the link down before it closes the channels it had, so a
    // turn of the event loop later tells a dropped link from sshd closing one channel.
    setImmediate(() => finish(linkUp() ? { kind: 'no-status' } : { kind: 'lost' }));
  });
  channel.end(options.stdin ?? '');
}
