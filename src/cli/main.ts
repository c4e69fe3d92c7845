import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerCommands } from './commands/index.js';
import { runProgram } from './run-program.js';

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
    .showHelpAfterError();
  return runProgram(program, argv, 'ingress', (setExitCode) => registerCommands(program, setExitCode));
}
