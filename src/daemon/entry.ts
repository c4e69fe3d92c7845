// The daemon's own entry point, bundled by bundle.ts for the nodes' Node.js 18 (the CLI needs 20).
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { IngressError, formatError } from '../errors.js';
import { startDaemon } from './main.js';

async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string' } } });
  if (!values.config) throw new IngressError('E_USAGE', 'usage: ingress-daemon --config FILE');
  const logger = pino();
  const daemon = await startDaemon(values.config, logger);
  await new Promise<void>((resolve) => {
    const stop = (): void => void daemon.stop().then(resolve);
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}

run(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`ingress daemon: ${formatError(err)}\n`);
    process.exit(2);
  },
);
