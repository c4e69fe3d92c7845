import { join, quote, split } from 'shlex';

/** POSIX single-quoting (shlex's, as Python's shlex.quote): safe for /bin/sh. */
export function q(value: string): string {
  return quote(value);
}

/** Quotes each argument and joins them: runs argv through sh with no shell features. */
export function joinArgv(argv: readonly string[]): string {
  return join(argv);
}

/** Splits a command line with shell-like quoting, as Ansible's command module (shlex.split). */
export function splitCommand(line: string): string[] {
  return split(line);
}
