import { quote } from 'shlex';

/** POSIX single-quoting for paths and names put into fact commands. */
export function shq(value: string): string {
  return quote(value);
}
