import { createTwoFilesPatch } from 'diff';
import type { FileDiff } from '../modules/types.js';
import type { HostEvent, HostStats } from './output-types.js';

const CODES = { green: 32, yellow: 33, red: 31, cyan: 36, none: 0 } as const;
export type Colour = keyof typeof CODES;

export type Paint = (colour: Colour, text: string) => string;

export function painter(enabled: boolean): Paint {
  return (colour, text) => (enabled && colour !== 'none' ? `\u001b[${CODES[colour]}m${text}\u001b[0m` : text);
}

/** Colours only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(stream.isTTY) && !env.NO_COLOR;
}

/** Ansible's banner: the title, then stars to 80 columns (at least three). */
export function banner(title: string, width = 80): string {
  return `${title} ${'*'.repeat(Math.max(3, width - title.length - 1))}`;
}

const CENSORED =
  "the output has been hidden due to the fact that 'no_log: true' was specified for this result";

function message(event: HostEvent): string {
  if (event.censored) return JSON.stringify({ censored: CENSORED });
  const { result } = event;
  const parts = [typeof result.msg === 'string' ? result.msg : JSON.stringify(result.msg ?? '')];
  if (typeof result.rc === 'number' && result.rc !== 0) parts.push(`(rc=${result.rc})`);
  const stderr = typeof result.stderr === 'string' ? result.stderr.trim() : '';
  if (stderr) parts.push(`\n${stderr}`);
  return parts.join(' ').replace(' \n', '\n');
}

function shownDebug(event: HostEvent): string {
  const { changed: _c, failed: _f, ...rest } = event.result;
  return JSON.stringify(event.censored ? { censored: CENSORED } : rest, null, 4);
}

/** The line(s) Ansible's default callback prints for one host (or one loop item). */
export function hostLine(event: HostEvent, paint: Paint): string | undefined {
  const item = event.item === undefined ? '' : ` => (item=${event.censored ? 'None' : event.item})`;
  const host = `[${event.host}]`;
  switch (event.status) {
    case 'unreachable':
      return paint('red', `fatal: ${host}: UNREACHABLE! => ${message(event)}`);
    case 'failed': {
      const line = paint('red', `failed: ${host}${item} => ${message(event)}`);
      return event.ignored ? `${line}\n${paint('cyan', '...ignoring')}` : line;
    }
    case 'skipped':
      return event.loopSummary && !event.result.skipped
        ? undefined
        : paint('cyan', `skipping: ${host}${item}`);
    case 'changed':
    case 'ok': {
      if (event.loopSummary) return undefined;
      const word = event.status === 'changed' ? 'changed' : 'ok';
      const tail = event.verbose ? ` => ${shownDebug(event)}` : '';
      return paint(event.status === 'changed' ? 'yellow' : 'green', `${word}: ${host}${item}${tail}`);
    }
  }
}

/** A unified diff per file, coloured like `diff --color`. */
export function diffText(diffs: FileDiff[], paint: Paint): string {
  return diffs
    .map((d) => {
      const patch = createTwoFilesPatch(d.beforeHeader ?? d.path, d.afterHeader ?? d.path, d.before, d.after);
      return patch
        .split('\n')
        .filter((line) => !line.startsWith('=====') && !line.startsWith('Index: '))
        .map((line) =>
          line.startsWith('+') ? paint('green', line) : line.startsWith('-') ? paint('red', line) : line,
        )
        .join('\n')
        .trimEnd();
    })
    .join('\n');
}

const RECAP_KEYS: (keyof HostStats)[] = [
  'ok',
  'changed',
  'unreachable',
  'failed',
  'skipped',
  'rescued',
  'ignored',
];

function recapColour(stats: HostStats): Colour {
  if (stats.failed > 0 || stats.unreachable > 0) return 'red';
  return stats.changed > 0 ? 'yellow' : 'green';
}

export function recapLine(host: string, stats: HostStats, paint: Paint): string {
  const fields = RECAP_KEYS.map((key) => `${key}=${String(stats[key]).padEnd(4)}`).join(' ');
  return `${paint(recapColour(stats), host.padEnd(26))} : ${fields}`.trimEnd();
}
