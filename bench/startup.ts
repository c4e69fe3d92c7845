// How long a short command takes from exec to exit, against Node starting and doing nothing
// (`node -e 0`), measured interleaved so both see the same moment of the machine.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { figure, type Figure } from './lib/results.js';

const INGRESS_BIN = fileURLToPath(new URL('../bin/ingress.cjs', import.meta.url));

/** What a user types, and its arguments to bin/ingress.cjs. */
export const STARTUP_COMMANDS: { name: string; args: string[] }[] = [
  { name: 'ingress --version', args: ['--version'] },
  { name: 'ingress --help', args: ['--help'] },
  { name: 'ingress play --help', args: ['play', '--help'] },
];

/** The first runs store the code cache, as a user's first command does; they are not counted. */
const WARM_UP_RUNS = 2;

function timedMs(args: string[]): number {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, { stdio: 'ignore' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} exited ${run.status ?? run.signal}`);
  return ms;
}

export function benchStartup(runs: number): Figure[] {
  const baseline: number[] = [];
  const times = STARTUP_COMMANDS.map(() => [] as number[]);
  for (const command of STARTUP_COMMANDS)
    for (let i = 0; i < WARM_UP_RUNS; i += 1) timedMs([INGRESS_BIN, ...command.args]);
  for (let i = 0; i < runs; i += 1) {
    baseline.push(timedMs(['-e', '0']));
    STARTUP_COMMANDS.forEach((command, c) => times[c]?.push(timedMs([INGRESS_BIN, ...command.args])));
  }
  return STARTUP_COMMANDS.map((command, c) =>
    figure(
      {
        section: 'startup',
        name: command.name,
        unit: 'ms',
        better: 'lower',
        note: 'from exec to exit, code cache warm',
      },
      times[c] ?? [],
      { name: 'node -e 0', values: baseline },
    ),
  );
}
