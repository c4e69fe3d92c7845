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

/** Which hosts the current task still waits on. */
class Waiting {
  task = '';
  startedMs = 0;
  hosts: string[] = [];
  // Hosts still running the play: those that answered the previous task (serial batches
  // and failed hosts drop out), all of the play's at its first task.
  private active: string[] = [];
  private answered: string[] = [];

  playStart(hosts: readonly string[]): void {
    this.task = '';
    this.active = [...hosts];
    this.answered = [];
  }

  taskStart(name: string, nowMs: number): void {
    if (this.answered.length > 0) this.active = this.answered;
    this.answered = [];
    this.task = name;
    this.startedMs = nowMs;
    this.hosts = [...this.active];
  }

  hostResult(event: HostEvent): void {
    if (event.item !== undefined) return;
    this.hosts = this.hosts.filter((h) => h !== event.host);
    const out = event.status === 'unreachable' || (event.status === 'failed' && !event.ignored);
    if (!out && !this.answered.includes(event.host)) this.answered.push(event.host);
  }

  line(nowMs: number): string | undefined {
    if (this.task === '' || this.hosts.length === 0) return undefined;
    return waitingLine(this.task, this.hosts, nowMs - this.startedMs);
  }
}

/** On a terminal the waiting line is rewritten in place, and cleared before other output. */
function createStatusLine(out: ProgressOut) {
  const tty = out.isTTY === true;
  let shown = false;
  return {
    clear(): void {
      if (shown) out.write('\r\x1b[K');
      shown = false;
    },
    show(line: string): void {
      if (tty) {
        out.write(`\r\x1b[K${line}`);
        shown = true;
      } else out.write(`${line}\n`);
    },
  };
}

/**
 * Silent steps say what they do: on a terminal one line that updates in place (and is
 * cleared before anything else is printed); elsewhere a plain line now and then.
 */
export function createProgress(out: ProgressOut, options: ProgressOptions = {}): Progress {
  const now = options.now ?? Date.now;
  const everyMs = out.isTTY === true ? (options.ttyEveryMs ?? 1_000) : (options.plainEveryMs ?? 15_000);
  const waiting = new Waiting();
  const status = createStatusLine(out);
  const timer = setInterval(() => {
    const line = waiting.line(now());
    if (line !== undefined) status.show(line);
  }, everyMs);
  timer.unref();
  const forward =
    <A extends unknown[]>(fn: (...args: A) => void) =>
    (...args: A): void => {
      status.clear();
      fn(...args);
    };
  return {
    step: forward((text: string) => out.write(`${text}\n`)),
    wrap: (inner) => ({
      playStart: forward((name: string, hosts: readonly string[]) => {
        waiting.playStart(hosts);
        inner.playStart(name, hosts);
      }),
      taskStart: forward((name: string, kind: 'task' | 'handler') => {
        waiting.taskStart(name, now());
        inner.taskStart(name, kind);
      }),
      hostResult: forward((event: HostEvent) => {
        waiting.hostResult(event);
        inner.hostResult(event);
      }),
      warning: forward((message: string) => inner.warning(message)),
      recap: forward((stats) => {
        waiting.task = '';
        inner.recap(stats);
      }),
    }),
    stop: () => {
      clearInterval(timer);
      status.clear();
    },
  };
}
