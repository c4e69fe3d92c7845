import { describe, expect, it } from 'vitest';
import { initialState } from '../../../src/daemon/reducer.js';
import { MAX_TICK_MS, MIN_TICK_MS, nextTickDelayMs } from '../../../src/daemon/tick.js';
import type { DaemonState } from '../../../src/daemon/types.js';
import { loadConfig } from './harness.js';

const base = initialState(loadConfig('ingress.yml'));

function state(timers: Partial<DaemonState['timers']>, patch: Partial<DaemonState> = {}): DaemonState {
  const all = {
    probe: 10_500,
    haproxy: 12_000,
    peers: 12_000,
    dnsRead: 20_000,
    resolve: 300_000,
    certs: 3_600_000,
  };
  return { ...base, ...patch, timers: { ...all, ...timers } };
}

describe('next tick', () => {
  it('wakes when the earliest timer is due', () => {
    expect(nextTickDelayMs(state({}), 10_400)).toBe(100);
  });

  it('wakes at least every MAX_TICK_MS while every timer is far', () => {
    expect(nextTickDelayMs(state({ probe: 60_000, haproxy: 60_000, peers: 60_000 }), 10_000)).toBe(
      MAX_TICK_MS,
    );
  });

  it('wakes soon, not at once, for a timer already overdue (the first tick after start)', () => {
    expect(nextTickDelayMs(state({ probe: 0 }), 10_000)).toBe(MIN_TICK_MS);
  });

  it('wakes when a hold-down ends or a DNS or firewall retry falls due, before any timer', () => {
    const far = { probe: 60_000, haproxy: 60_000, peers: 60_000 };
    const wan1 = base.paths.wan1!;
    const held = state(far, { paths: { ...base.paths, wan1: { ...wan1, heldUntilMs: 10_300 } } });
    expect(nextTickDelayMs(held, 10_000)).toBe(300);
    expect(nextTickDelayMs(state(far, { dnsRetryAtMs: 10_200 }), 10_000)).toBe(200);
    const firewall = { ...base.firewall, retryAtMs: 10_700 };
    expect(nextTickDelayMs(state(far, { firewall }), 10_000)).toBe(700);
  });

  it('does not wake for a hold-down or retry time already passed', () => {
    const far = { probe: 60_000, haproxy: 60_000, peers: 60_000 };
    expect(nextTickDelayMs(state(far, { dnsRetryAtMs: 5_000 }), 10_000)).toBe(MAX_TICK_MS);
  });
});
