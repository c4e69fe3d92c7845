import type { HostEvent, HostStats, RunSink, TaskResult } from './output-types.js';

interface JsonTask {
  task: { name: string; kind: 'task' | 'handler' };
  hosts: Record<string, TaskResult>;
}

interface JsonPlay {
  play: { name: string; hosts: string[] };
  tasks: JsonTask[];
}

export interface JsonReport {
  plays: JsonPlay[];
  stats: Record<string, HostStats>;
  warnings: string[];
}

const CENSORED = {
  censored: "the output has been hidden due to the fact that 'no_log: true' was specified for this result",
};

/** `--json`: nothing while running, one document at the end (plays, tasks, per-host results, stats). */
export function createJsonSink(write: (text: string) => void): RunSink & { report(): JsonReport } {
  const report: JsonReport = { plays: [], stats: {}, warnings: [] };
  const currentTask = (): JsonTask | undefined => report.plays.at(-1)?.tasks.at(-1);
  return {
    report: () => report,
    playStart(name, hosts) {
      report.plays.push({ play: { name, hosts: [...hosts] }, tasks: [] });
    },
    taskStart(name, kind) {
      report.plays.at(-1)?.tasks.push({ task: { name, kind }, hosts: {} });
    },
    hostResult(event: HostEvent) {
      // Items are part of the host's summary (results[]); only the summary is kept.
      if (event.item !== undefined) return;
      const task = currentTask();
      if (!task) return;
      const result = event.censored
        ? { ...CENSORED, changed: event.result.changed, failed: event.result.failed }
        : event.result;
      task.hosts[event.host] = event.ignored ? { ...result, ignored: true } : result;
    },
    warning(message) {
      report.warnings.push(message);
    },
    recap(stats: ReadonlyMap<string, HostStats>) {
      report.stats = Object.fromEntries(stats);
      write(`${JSON.stringify(report, null, 2)}\n`);
    },
  };
}
