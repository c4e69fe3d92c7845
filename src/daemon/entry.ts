// The daemon alone, for the nodes' Node.js 18: what its systemd unit runs (scripts/node-bundle.ts).
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { runUntilStopped } from './stop-signals.js';
import { IngressError, exitCodeFor, formatError } from '../errors.js';
import { startDaemon } from './main.js';

async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string' } } });
  if (!values.config) throw new IngressError('E_USAGE', 'usage: ingress-daemon --config FILE');
  const logger = pino();
  const daemon = await startDaemon(values.config, logger);
  await runUntilStopped(() => daemon.stop());
}

run(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`ingress daemon: ${formatError(err)}\n`);
    process.exit(exitCodeFor(err));
  },
);
