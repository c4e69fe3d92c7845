import type { HostEvent, RunSink } from '../runner/output-types.js';

export interface ProgressOut {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface Progress {
  /** A step of its own (building, signing, checking): one line. */
  step(text: string): void;
  /** Wraps a playbook's sink: while a task waits on hosts, says which and for how long. */
  wrap(inner: RunSink): RunSink;
  stop(): void;
}

export interface ProgressOptions {
  now?: () => number;
  /** How often the waiting line is refreshed on a terminal, and printed elsewhere. */
  ttyEveryMs?: number;
  plainEveryMs?: number;
}

/** The waiting line, e.g. `… Packages of the stack: ingress-1, proxy (42 s)`. */
export function waitingLine(task: string, hosts: readonly string[], elapsedMs: number): string {
  const shown = hosts.length > 4 ? [...hosts.slice(0, 4), `+${hosts.length - 4}`] : hosts;
  return `… ${task}: waiting on ${shown.join(', ')} (${Math.round(elapsedMs / 1000)} s)`;
}

/**
 * Silent steps say what they do: on a terminal one line that updates in place (and is
 * cleared before anything else is printed); elsewhere a plain line now and then.
 */
export function createProgress(out: ProgressOut, options: ProgressOptions = {}): Progress {
  const now = options.now ?? Date.now;
  const tty = out.isTTY === true;
  const everyMs = tty ? (options.ttyEveryMs ?? 1_000) : (options.plainEveryMs ?? 15_000);
  let task = '';
  let startedMs = 0;
  let waiting: string[] = [];
  // Hosts still running the play: those that answered the previous task (serial batches
  // and failed hosts drop out), all of the play's at its first task.
  let active: string[] = [];
  let answered: string[] = [];
  let shown = false;
  const clear = (): void => {
    if (shown) out.write('\r\x1b[K');
    shown = false;
  };
  const tick = (): void => {
    if (task === '' || waiting.length === 0) return;
    const line = waitingLine(task, waiting, now() - startedMs);
    if (tty) {
      out.write(`\r\x1b[K${line}`);
      shown = true;
    } else out.write(`${line}\n`);
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  const forward =
    <A extends unknown[]>(fn: (...args: A) => void) =>
    (...args: A): void => {
      clear();
      fn(...args);
    };
  return {
    step: (text) => {
      clear();
      out.write(`${text}\n`);
    },
    wrap: (inner) => ({
      playStart: forward((name: string, hosts: readonly string[]) => {
        task = '';
        active = [...hosts];
        answered = [];
        inner.playStart(name, hosts);
      }),
      taskStart: forward((name: string, kind: 'task' | 'handler') => {
        if (answered.length > 0) active = answered;
        answered = [];
        task = name;
        startedMs = now();
        waiting = [...active];
        inner.taskStart(name, kind);
      }),
      hostResult: forward((event: HostEvent) => {
        if (event.item === undefined) {
          waiting = waiting.filter((h) => h !== event.host);
          const out = event.status === 'unreachable' || (event.status === 'failed' && !event.ignored);
          if (!out && !answered.includes(event.host)) answered.push(event.host);
        }
        inner.hostResult(event);
      }),
      warning: forward((message: string) => inner.warning(message)),
      recap: forward((stats) => {
        task = '';
        inner.recap(stats);
      }),
    }),
    stop: () => {
      clearInterval(timer);
      clear();
    },
  };
}
