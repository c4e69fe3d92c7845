import { describe, expect, it } from 'vitest';
import type { DaemonConfig } from '../../../src/daemon/config.js';
import { unrest } from '../../../src/daemon/probe-pace.js';
import type { DaemonEvent, ObservedServer } from '../../../src/daemon/types.js';
import { Scenario, loadConfig, ofKind } from './harness.js';

// ingress.yml: wan1, wan2 and mesh in backend `home`, probes every 1000 ms, no jitter;
// steering's window is 10 s and its degradeMs 150 ms (the defaults).
const QUIET_MS = 5000;
const withQuiet =
  (quietIntervalMs: number) =>
  (c: DaemonConfig): DaemonConfig => ({ ...c, probe: { ...c.probe, quietIntervalMs } });

function checks(
  fails: Partial<Record<string, number>> = {},
  durationMs: Partial<Record<string, number>> = {},
) {
  const server = (name: string): ObservedServer => ({
    admin: 'ready',
    operational: true,
    weight: 100,
    checkFails: fails[name] ?? 0,
    checkDurationMs: durationMs[name] ?? 5,
  });
  const servers = { 'home/wan1': server('wan1'), 'home/wan2': server('wan2'), 'home/mesh': server('mesh') };
  return { type: 'haproxy-state', servers } satisfies DaemonEvent;
}

/** Runs the daemon's one-second loop from the scenario's time to `untilMs`: a tick, HAProxy read, answered probes. */
function run(s: Scenario, untilMs: number, haproxy: () => DaemonEvent = () => checks()): number[] {
  const probedAt: number[] = [];
  for (let t = s.nowMs + 1000; t <= untilMs; t += 1000) {
    const probes = ofKind(s.at(t, { type: 'tick' }), 'probe');
    if (probes.length > 0) probedAt.push(t);
    s.at(t + 1, haproxy());
    for (const p of probes) s.at(t + 2, { type: 'probe', path: p.path, ok: true, rttMs: 10 });
  }
  s.nowMs = untilMs;
  return probedAt;
}

function calmScenario(quietMs = QUIET_MS): Scenario {
  const s = new Scenario(loadConfig('ingress.yml', withQuiet(quietMs)));
  s.nowMs = -1000;
  run(s, 20_000);
  return s;
}

describe('probe pace: a calm node probes every quietIntervalMs, any trouble brings every interval back', () => {
  it("probes every interval until every path is up with HAProxy's checks read, then every quiet interval", () => {
    const s = new Scenario(loadConfig('ingress.yml', withQuiet(QUIET_MS)));
    s.nowMs = -1000;
    // Up after rise (2) probes, with HAProxy's counters read: calm from then on.
    expect(run(s, 4000)).toEqual([0, 1000]);
    expect(unrest(s.state, s.nowMs)).toBeNull();
    expect(run(s, 20_000)).toEqual([6000, 11_000, 16_000]);
  });

  it('stays at every interval while HAProxy reports no check counters', () => {
    const s = new Scenario(loadConfig('ingress.yml', withQuiet(QUIET_MS)));
    s.nowMs = -1000;
    const bare = (): DaemonEvent => {
      const { servers } = checks();
      return {
        type: 'haproxy-state',
        servers: Object.fromEntries(
          Object.entries(servers).map(([k, v]) => [k, { admin: v.admin, operational: true, weight: 100 }]),
        ),
      };
    };
    expect(run(s, 10_000, bare)).toHaveLength(11);
    expect(unrest(s.state, s.nowMs)).toBe('no check of home/wan1');
  });

  it('a failed HAProxy check wakes every path for the quality window', () => {
    const s = calmScenario();
    const t = s.nowMs;
    expect(run(s, t + 4000, () => checks({ wan2: 1 }))).toEqual([t + 1000, t + 2000, t + 3000, t + 4000]);
    expect(unrest(s.state, s.nowMs)).toBe("HAProxy's check of home/wan2 failed");
    // Once the window has passed without another failure, quiet again.
    const later = run(s, t + 30_000, () => checks({ wan2: 1 }));
    expect(later.filter((at) => at > t + 12_000)).toEqual([t + 16_000, t + 21_000, t + 26_000]);
  });

  it('a slow WAN check or a server HAProxy holds DOWN wakes the node; a slow mesh check does not', () => {
    const slowMesh = calmScenario();
    run(slowMesh, slowMesh.nowMs + 5000, () => checks({}, { mesh: 300 }));
    expect(unrest(slowMesh.state, slowMesh.nowMs)).toBeNull();

    const slowWan = calmScenario();
    run(slowWan, slowWan.nowMs + 1000, () => checks({}, { wan1: 160 }));
    expect(unrest(slowWan.state, slowWan.nowMs)).toBe("HAProxy's check of home/wan1 took 160 ms");

    const down = calmScenario();
    const { servers } = checks();
    down.at(down.nowMs + 1, {
      type: 'haproxy-state',
      servers: { ...servers, 'home/mesh': { ...servers['home/mesh']!, operational: false } },
    });
    expect(unrest(down.state, down.nowMs)).toBe('HAProxy holds home/mesh down');
  });

  it('a failed or slow probe wakes the node, and so does a stale HAProxy reading', () => {
    const failed = calmScenario();
    failed.at(failed.nowMs + 1, { type: 'probe', path: 'mesh', ok: false, reason: 'timeout after 1000 ms' });
    expect(unrest(failed.state, failed.nowMs)).toBe('probe of mesh failed: timeout after 1000 ms');

    const slow = calmScenario();
    slow.at(slow.nowMs + 1, { type: 'probe', path: 'wan2', ok: true, rttMs: 170 });
    expect(unrest(slow.state, slow.nowMs)).toBe('probe of wan2 took 170 ms');

    const stale = calmScenario();
    const t = stale.nowMs;
    const ticks = [1, 2, 3, 4].map((i) => ofKind(stale.at(t + i * 1000, { type: 'tick' }), 'probe').length);
    // The quiet round falls due at once; then nothing until the last reading is 3 intervals old.
    expect(ticks).toEqual([3, 0, 0, 3]);
    expect(unrest(stale.state, stale.nowMs)).toBe('no recent HAProxy reading');
  });

  it('sleeps the probe timer until the quiet round, and trouble wakes it at the next tick', () => {
    const s = calmScenario();
    const last = s.state.pace.lastProbeAtMs ?? NaN;
    // No wake-up each interval only to find the round is not due.
    expect(s.state.timers.probe).toBe(last + QUIET_MS);
    s.at(last + 1500, { type: 'probe', path: 'wan1', ok: false, reason: 'timeout after 1000 ms' });
    expect(s.state.timers.probe).toBe(last + QUIET_MS);
    expect(ofKind(s.at(last + 2000, { type: 'tick' }), 'probe')).toHaveLength(3);
    expect(s.state.timers.probe).toBe(last + 3000);
  });

  it('a quiet interval no longer than the interval turns quiet probing off', () => {
    const s = calmScenario(1000);
    expect(unrest(s.state, s.nowMs)).toBe('quiet probing off');
    expect(run(s, s.nowMs + 5000)).toHaveLength(5);
  });
});
