import type { FileDiff } from '../modules/types.js';

/** A registered result, in Ansible's shape (changed, failed, rc, stdout, msg, results[] ...). */
export type TaskResult = Record<string, unknown> & { changed?: boolean; failed?: boolean; msg?: unknown };

export type HostStatus = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable';

export interface HostEvent {
  host: string;
  status: HostStatus;
  result: TaskResult;
  /** Set for one item of a loop (its label); the host's summary event follows the items. */
  item?: string;
  /** The host's summary of a loop task. */
  loopSummary?: boolean;
  /** A failure that ignore_errors turned into `...ignoring`. */
  ignored?: boolean;
  /** no_log: the result must not be shown. */
  censored?: boolean;
  /** The action prints its result (debug). */
  verbose?: boolean;
  diff?: FileDiff[];
}

export interface HostStats {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

/** Where the executor reports progress; text and JSON writers implement it. */
export interface RunSink {
  playStart(name: string, hosts: readonly string[]): void;
  taskStart(name: string, kind: 'task' | 'handler'): void;
  hostResult(event: HostEvent): void;
  warning(message: string): void;
  recap(stats: ReadonlyMap<string, HostStats>): void;
}
