import { describe, expect, it } from 'vitest';
import { MAX_TICK_MS, MIN_TICK_MS, nextTickDelayMs } from '../../../src/daemon/tick.js';

const timers = (over: Partial<Record<string, number>> = {}) => ({
  probe: 10_500,
  haproxy: 12_000,
  peers: 12_000,
  dnsRead: 20_000,
  resolve: 300_000,
  certs: 3_600_000,
  ...over,
});

describe('next tick', () => {
  it('wakes when the earliest timer is due', () => {
    expect(nextTickDelayMs(timers(), 10_400)).toBe(100);
  });

  it('wakes at least every MAX_TICK_MS while every timer is far', () => {
    expect(nextTickDelayMs(timers({ probe: 60_000 }), 10_000)).toBe(MAX_TICK_MS);
  });

  it('wakes soon, not at once, for a timer already overdue (the first tick after start)', () => {
    expect(nextTickDelayMs(timers({ probe: 0 }), 10_000)).toBe(MIN_TICK_MS);
  });
});
