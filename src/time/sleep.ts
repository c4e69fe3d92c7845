import { setTimeout as delay } from 'node:timers/promises';

/** Resolves after `ms` milliseconds; the one pause the code and its tests take. */
export function sleep(ms: number): Promise<void> {
  return delay(ms);
}
