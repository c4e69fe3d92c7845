import type { TimerState } from './types.js';

/** Never sooner: timers due together fire in one tick. */
export const MIN_TICK_MS = 10;
/**
 * Never later: what the reducer checks on a tick besides its timers (hold-down ends, retry
 * times) is looked at at least this often.
 */
export const MAX_TICK_MS = 250;

/**
 * How long until the reducer next needs a tick: the earliest timer in the state, within
 * [MIN_TICK_MS, MAX_TICK_MS]. Waking for the timers instead of every 100 ms cuts the idle
 * daemon's wake-ups by more than half.
 */
export function nextTickDelayMs(timers: TimerState, nowMs: number): number {
  const dueInMs = Math.min(...Object.values(timers)) - nowMs;
  return Math.min(MAX_TICK_MS, Math.max(MIN_TICK_MS, dueInMs));
}
