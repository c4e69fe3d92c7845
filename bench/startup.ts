// How long a short command takes from exec to exit, against Node starting and doing nothing
// (`node -e 0`), measured interleaved so both see the same moment of the machine.
import { INGRESS_BIN } from './lib/prereq.js';
import { figure, type Figure } from './lib/results.js';
import { mustSucceed, timedRun } from './lib/timed.js';

/** What a user types, and its arguments to bin/ingress.cjs. */
export const STARTUP_COMMANDS: { name: string; args: string[] }[] = [
  { name: 'ingress --version', args: ['--version'] },
  { name: 'ingress --help', args: ['--help'] },
  { name: 'ingress play --help', args: ['play', '--help'] },
];

/** The first runs store the code cache, as a user's first command does; they are not counted. */
const WARM_UP_RUNS = 2;

async function nodeMs(args: string[]): Promise<number> {
  return mustSucceed(`node ${args.join(' ')}`, await timedRun(process.execPath, args)).ms;
}

export async function benchStartup(runs: number): Promise<Figure[]> {
  const baseline: number[] = [];
  const times = STARTUP_COMMANDS.map(() => [] as number[]);
  for (const command of STARTUP_COMMANDS)
    for (let i = 0; i < WARM_UP_RUNS; i += 1) await nodeMs([INGRESS_BIN, ...command.args]);
  for (let i = 0; i < runs; i += 1) {
    baseline.push(await nodeMs(['-e', '0']));
    for (const [c, command] of STARTUP_COMMANDS.entries())
      times[c]?.push(await nodeMs([INGRESS_BIN, ...command.args]));
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
