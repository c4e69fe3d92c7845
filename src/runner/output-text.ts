import { banner, diffText, hostLine, painter, recapLine } from './output-format.js';
import type { HostEvent, HostStats, RunSink } from './output-types.js';

export interface TextSinkOptions {
  write(text: string): void;
  colour: boolean;
  /** --diff: print the files' unified diffs before the host's line. */
  diff: boolean;
}

/** Ansible's default output: banners per play and task, a line per host, then PLAY RECAP. */
export function createTextSink(options: TextSinkOptions): RunSink {
  const paint = painter(options.colour);
  const out = (text: string) => options.write(`${text}\n`);
  return {
    playStart(name) {
      out(`\n${banner(`PLAY [${name}]`)}`);
    },
    taskStart(name, kind) {
      out(`\n${banner(kind === 'handler' ? `RUNNING HANDLER [${name}]` : `TASK [${name}]`)}`);
    },
    hostResult(event: HostEvent) {
      if (options.diff && event.diff && event.diff.length > 0 && !event.censored)
        out(diffText(event.diff, paint));
      const line = hostLine(event, paint);
      if (line !== undefined) out(line);
    },
    warning(message) {
      out(paint('red', `[WARNING]: ${message}`));
    },
    recap(stats: ReadonlyMap<string, HostStats>) {
      out(`\n${banner('PLAY RECAP')}`);
      for (const host of [...stats.keys()].sort()) out(recapLine(host, stats.get(host) as HostStats, paint));
      out('');
    },
  };
}
