import { quote } from 'shlex';
import type { ExecOptions } from './types.js';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The one shell line every transport runs: optional cd, exported variables,
 * then the command under /bin/sh (the login shell of the remote user may be
 * anything, so the command itself is always handed to /bin/sh).
 */
export function shellLine(command: string, options: Pick<ExecOptions, 'cwd' | 'env'> = {}): string {
  const parts: string[] = [];
  if (options.cwd !== undefined) parts.push(`cd ${quote(options.cwd)}`);
  const env = Object.entries(options.env ?? {});
  for (const [name] of env) {
    if (!ENV_NAME.test(name))
      throw new TypeError(`invalid environment variable name: ${JSON.stringify(name)}`);
  }
  const assignments = env.map(([name, value]) => `${name}=${quote(value)}`).join(' ');
  parts.push(`${assignments ? `env ${assignments} ` : ''}/bin/sh -c ${quote(command)}`);
  return parts.join(' && ');
}

/**
 * Writes standard input to a temporary file beside the target, sets its mode,
 * then renames it over the target: readers see the old or the new file, never
 * half of one. Works through sudo because it is only a shell command.
 */
export function putScript(remotePath: string, mode: number): string {
  const path = quote(remotePath);
  const octal = mode.toString(8).padStart(4, '0');
  return [
    'set -e',
    `tmp=$(mktemp ${quote(`${remotePath}.ingress-XXXXXX`)})`,
    `trap 'rm -f "$tmp"' EXIT`,
    'cat > "$tmp"',
    `chmod ${octal} "$tmp"`,
    `mv -f "$tmp" ${path}`,
    'trap - EXIT',
  ].join('\n');
}

export function getScript(remotePath: string): string {
  return `cat ${quote(remotePath)}`;
}

/** Exit status reported when a command outlives its timeout, as coreutils `timeout` does. */
export const TIMEOUT_RC = 124;

export function timeoutNote(timeoutMs: number): string {
  return `\ningress: command timed out after ${timeoutMs} ms and was killed\n`;
}

/**
 * sshd keeps a channel open while any process holds its pipes, and a signal
 * reaches only the first process; coreutils `timeout` runs the command in its
 * own process group and kills all of it (TERM, then KILL 2 s later).
 */
export function timeoutLine(line: string, timeoutMs: number | undefined): string {
  if (timeoutMs === undefined) return line;
  const seconds = Math.max(timeoutMs / 1000, 0.001).toFixed(3);
  return `exec timeout -k 2 ${seconds} /bin/sh -c ${quote(line)}`;
}
