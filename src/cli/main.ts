import { Command, CommanderError } from 'commander';
import { exitCodeFor, formatError } from '../errors.js';
import { registerCommands } from './commands/index.js';

/** Runs the CLI; returns the exit code instead of exiting so tests can call it. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('ingress')
    .description('Provision and heal ingress nodes and a home proxy over SSH, with mTLS on every hop')
    .exitOverride()
    .showHelpAfterError();
  let exitCode = 0;
  registerCommands(program, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 64;
    process.stderr.write(`ingress: ${formatError(err)}\n`);
    if (process.env.INGRESS_DEBUG && err instanceof Error && err.stack)
      process.stderr.write(`${err.stack}\n`);
    return exitCodeFor(err);
  }
}
