import { CommanderError, type Command } from 'commander';
import { exitCodeFor, formatError, IngressError } from '../errors.js';

/** How a command reports its own exit code (a failed host, a refused renewal) without throwing. */
export type SetExitCode = (code: number) => void;

/**
 * Runs a commander program (the CLI, or the node program) and returns its exit code: every
 * failure goes through the one map in errors.ts, a usage error included.
 */
export async function runProgram(
  program: Command,
  argv: readonly string[],
  label: string,
  register: (setExitCode: SetExitCode) => void,
): Promise<number> {
  let exitCode = 0;
  // Before the commands are registered: each inherits it, so a subcommand's help or usage error
  // returns here too instead of commander exiting the process (with its own code, 1).
  program.exitOverride();
  register((code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (err) {
    // commander has printed its own message; help and --version end with exit code 0.
    if (err instanceof CommanderError)
      return err.exitCode === 0 ? 0 : exitCodeFor(new IngressError('E_USAGE', err.message));
    process.stderr.write(`${label}: ${formatError(err)}\n`);
    if (process.env.INGRESS_DEBUG && err instanceof Error && err.stack)
      process.stderr.write(`${err.stack}\n`);
    return exitCodeFor(err);
  }
}
