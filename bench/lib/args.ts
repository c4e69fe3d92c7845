/** `npm run bench -- [--only SECTION[,SECTION]] [--runs N]`: what to run and how often. */

export const SECTIONS = [
  'startup',
  'provisioning',
  'failover',
  'dns',
  'footprint',
  'hop',
  'handshake',
] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchArgs {
  sections: Section[];
  runs: number;
  /** Seconds the footprint section samples the daemon. */
  footprintS: number;
  help: boolean;
}

export const USAGE = `usage: npm run bench -- [--only ${SECTIONS.join('|')}[,...]] [--runs N] [--footprint-seconds S]
  --only     sections to run (repeatable or comma-separated; default: all)
  --runs     runs per figure, each figure is their median (default 2; provisioning on 30 hosts: one)
  --footprint-seconds  how long the daemon is sampled (default 60)
Writes bench/results/latest.json, latest.md and failover-timeline.svg.`;

function positiveInt(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`${flag} needs a whole number above 0, got ${value ?? 'nothing'}`);
  return n;
}

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const out: BenchArgs = { sections: [], runs: 2, footprintS: 60, help: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    const [name, inline] = flag.includes('=') ? flag.split('=', 2) : [flag, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    if (name === '--help' || name === '-h') out.help = true;
    else if (name === '--runs') out.runs = positiveInt('--runs', value());
    else if (name === '--footprint-seconds') out.footprintS = positiveInt('--footprint-seconds', value());
    else if (name === '--only') {
      for (const part of (value() ?? '').split(',').filter(Boolean)) {
        if (!(SECTIONS as readonly string[]).includes(part))
          throw new Error(`unknown section "${part}"; sections: ${SECTIONS.join(', ')}`);
        if (!out.sections.includes(part as Section)) out.sections.push(part as Section);
      }
    } else throw new Error(`unknown option "${flag}"\n${USAGE}`);
  }
  if (out.sections.length === 0) out.sections = [...SECTIONS];
  return out;
}
