import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { DaemonEvent } from '../../../src/daemon/types.js';
import { fixturePath, haproxyState, loadConfig, Scenario, server } from './harness.js';

interface PathPlan {
  pattern: string;
  rttMs?: number[];
}

interface Phase {
  durationMs: number;
  /** WANs whose HAProxy checks flip DOWN and UP every other round (HAProxy read each round). */
  haproxyFlaps?: string[];
  wan1: PathPlan;
  wan2: PathPlan;
  expect: {
    weights: Record<string, number>;
    settleMs?: number;
    changes?: Record<string, number>;
  };
}

interface Fixture {
  intervalMs: number;
  scenarios: { name: string; phases: Phase[] }[];
}

const fixture = parse(readFileSync(fixturePath('steering/scenarios.yml'), 'utf8')) as Fixture;
const WANS = ['wan1', 'wan2'] as const;

/** The probe a plan gives at its n-th step: answered with the next RTT, or lost. */
function probeOf(plan: PathPlan, n: number, answered: number): { ok: boolean; rttMs?: number } {
  const ok = plan.pattern[n % plan.pattern.length] === '+';
  const rtts = plan.rttMs ?? [5];
  return ok ? { ok, rttMs: rtts[answered % rtts.length] ?? 5 } : { ok };
}

/** HAProxy as the daemon left it, with the flapping WANs' checks DOWN on odd rounds. */
function haproxyRound(s: Scenario, flaps: string[], operational: boolean): DaemonEvent {
  const servers = { ...(s.state.haproxy ?? {}) };
  for (const wan of flaps) {
    const current = servers[`home/${wan}`];
    if (current) servers[`home/${wan}`] = { ...current, operational };
  }
  return { type: 'haproxy-state', servers };
}

function replay(phases: Phase[]) {
  const config = loadConfig('ingress.yml', (c) => ({
    ...c,
    probe: { ...c.probe, intervalMs: fixture.intervalMs },
  }));
  const s = new Scenario(config);
  // HAProxy as the daemon's first sync leaves it: every WAN at full weight.
  s.at(0, haproxyState(server('ready', true, 100), server('ready', true, 100), server('ready', true, 1)));
  const answered = { wan1: 0, wan2: 0 };
  const results = phases.map((phase) => {
    const startMs = s.nowMs;
    for (let n = 0; n * fixture.intervalMs < phase.durationMs; n += 1) {
      const atMs = startMs + (n + 1) * fixture.intervalMs;
      for (const wan of WANS) {
        const probe = probeOf(phase[wan], n, answered[wan]);
        if (probe.ok) answered[wan] += 1;
        s.at(atMs, { type: 'probe', path: wan, reason: 'timeout', ...probe });
      }
      s.at(atMs, { type: 'probe', path: 'mesh', ok: true, rttMs: 20 });
      if (phase.haproxyFlaps) s.at(atMs, haproxyRound(s, phase.haproxyFlaps, n % 2 === 0));
    }
    const changes = s.emitted
      .filter((e) => e.atMs > startMs && e.effect.kind === 'setServerWeight')
      .map((e) => ({ atMs: e.atMs, ...(e.effect as { server: string; weight: number }) }));
    const weights = Object.fromEntries(
      Object.keys(phase.expect.weights).map((wan) => [wan, s.state.haproxy?.[`home/${wan}`]?.weight]),
    );
    return { phase, startMs, changes, weights };
  });
  return { s, results };
}

describe('quality steering replayed from probe fixtures', () => {
  for (const scenario of fixture.scenarios) {
    it(scenario.name, () => {
      const { s, results } = replay(scenario.phases);
      results.forEach(({ phase, startMs, changes, weights }, i) => {
        const label = `phase ${i + 1}`;
        expect(weights, `${label}: weights at its end`).toEqual(phase.expect.weights);
        for (const [wan, count] of Object.entries(phase.expect.changes ?? {}))
          expect(changes.filter((c) => c.server === wan).length, `${label}: ${wan} changes`).toBe(count);
        const last = changes.at(-1);
        if (phase.expect.settleMs !== undefined && last)
          expect(last.atMs - startMs, `${label}: settled`).toBeLessThanOrEqual(phase.expect.settleMs);
      });
      // The mesh backup's weight is never steered.
      expect(s.of('setServerWeight').filter((e) => e.server === 'mesh')).toEqual([]);
    });
  }

  it('explains every weight change in the timeline with the costs compared', () => {
    const scenario = fixture.scenarios.find((x) => x.name.startsWith('30 %'));
    const { s } = replay(scenario?.phases ?? []);
    const entries = s.state.timeline.filter((t) => t.subject === 'weight wan1');
    expect(entries.length).toBeGreaterThanOrEqual(2);
    expect(entries[0]?.from).toBe('100');
    expect(entries[0]?.reason).toMatch(
      /^cost \d+ ms vs \d+ ms on wan2 \(excess \d+ ms, (drain|degrade) at \d+\)/,
    );
    expect(entries[0]?.reason).toMatch(/loss \d+%, rtt \d+ ms, jitter \d+ ms$/);
    const metrics = s.of('metric').filter((m) => m.name === 'weight_changes_total');
    expect(metrics.map((m) => m.labels.direction)).toContain('down');
    expect(metrics.map((m) => m.labels.direction)).toContain('up');
  });
});
