import type { ExecResult } from '../transport/types.js';

/** A fact is a shell command and a pure parser of what it printed. */
export interface Fact<T> {
  readonly name: string;
  command(): string;
  parse(result: ExecResult): T;
}
