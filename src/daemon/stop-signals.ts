/**
 * How the resident programs (daemon, signer) and the one-shot renewal agent end when
 * systemd stops them: on SIGTERM or SIGINT, run `stop` (close servers, sockets, timers;
 * nothing that changes DNS or firewall state), then exit. A stop that hangs must not hold
 * a `systemctl restart` for the unit's whole stop timeout, so the process exits anyway
 * after a grace period; a second signal exits at once.
 */

export type StopSignal = 'SIGTERM' | 'SIGINT';

export const STOP_SIGNALS: readonly StopSignal[] = ['SIGTERM', 'SIGINT'];

/** Exit well inside the 2 s a restart may take, leaving room for Node to start tearing down. */
export const STOP_GRACE_MS = 1500;

export interface SignalSource {
  on(signal: StopSignal, listener: () => void): unknown;
  off(signal: StopSignal, listener: () => void): unknown;
}

export interface StopOnSignalOptions {
  stop: () => Promise<void>;
  graceMs?: number;
  signals?: SignalSource;
  exit?: (code: number) => void;
  /** Kept referenced: the process must reach exit() even if stop() leaves nothing else pending. */
  setTimer?: (fn: () => void, ms: number) => unknown;
  /** Told why the exit was not clean (stop failed or outlasted the grace period). */
  warn?: (message: string) => void;
}

export interface StopHandle {
  /** Removes the handlers, for a one-shot command that finished on its own. */
  dispose(): void;
}

const warnOnStderr = (message: string): void => void process.stderr.write(`ingress: ${message}\n`);

export function stopOnSignal(options: StopOnSignalOptions): StopHandle {
  const signals = options.signals ?? process;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const setTimer = options.setTimer ?? setTimeout;
  const warn = options.warn ?? warnOnStderr;
  let stopping = false;
  let done = false;
  const finish = (code: number): void => {
    if (done) return;
    done = true;
    exit(code);
  };
  const onSignal = (): void => {
    if (stopping) return finish(0);
    stopping = true;
    setTimer(() => {
      if (!done) warn(`still stopping after ${options.graceMs ?? STOP_GRACE_MS} ms; exiting`);
      finish(0);
    }, options.graceMs ?? STOP_GRACE_MS);
    options.stop().then(
      () => finish(0),
      (err: unknown) => {
        warn(`error while stopping: ${err instanceof Error ? err.message : String(err)}`);
        finish(1);
      },
    );
  };
  for (const signal of STOP_SIGNALS) signals.on(signal, onSignal);
  return {
    dispose: () => {
      for (const signal of STOP_SIGNALS) signals.off(signal, onSignal);
    },
  };
}

/** For resident programs: stop on a signal and never return otherwise. */
export function runUntilStopped(
  stop: () => Promise<void>,
  options: Partial<StopOnSignalOptions> = {},
): Promise<never> {
  stopOnSignal({ ...options, stop });
  return new Promise<never>(() => undefined);
}
