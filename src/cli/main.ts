import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { exitCodeFor, formatError } from '../errors.js';
import { registerCommands } from './commands/index.js';

function packageVersion(): string {
  // src/cli and dist/cli both sit two levels below package.json.
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Runs the CLI; returns the exit code instead of exiting so tests can call it. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('ingress')
    .description('Provision and heal ingress nodes and a home proxy over SSH, with mTLS on every hop')
    .version(packageVersion())
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
