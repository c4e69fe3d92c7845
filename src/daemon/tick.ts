import type { DaemonState } from './types.js';

/** Never sooner: timers due together fire in one tick. */
export const MIN_TICK_MS = 10;
/**
 * Never later: a safety net, as every deadline the reducer keeps is in `deadlinesOf`. A calm
 * node wakes for its HAProxy reading each second anyway.
 */
export const MAX_TICK_MS = 1000;

/** What the reducer looks at on a tick besides its timers: hold-down ends and retry times. */
function deadlinesOf(state: DaemonState): number[] {
  const held = Object.values(state.paths).flatMap((p) => (p.heldUntilMs === null ? [] : [p.heldUntilMs]));
  return [...held, state.dnsRetryAtMs, state.firewall.retryAtMs];
}

/**
 * How long until the reducer next needs a tick: the earliest timer (an overdue one at once) or
 * deadline still ahead, within [MIN_TICK_MS, MAX_TICK_MS]. Waking only for these cuts an idle
 * daemon's wake-ups to a few a second.
 */
export function nextTickDelayMs(state: DaemonState, nowMs: number): number {
  const timerDueInMs = Math.min(...Object.values(state.timers)) - nowMs;
  const deadlinesInMs = deadlinesOf(state)
    .filter((t) => t > nowMs)
    .map((t) => t - nowMs);
  const dueInMs = Math.min(timerDueInMs, ...deadlinesInMs);
  return Math.min(MAX_TICK_MS, Math.max(MIN_TICK_MS, dueInMs));
}
