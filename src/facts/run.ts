import type { Remote } from '../transport/types.js';
import type { Fact } from './types.js';

/** Runs a fact's command on the host and parses what it printed. */
export async function runFact<T>(remote: Remote, fact: Fact<T>): Promise<T> {
  return fact.parse(await remote.exec(fact.command()));
}
