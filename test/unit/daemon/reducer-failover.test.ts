import { describe, expect, it } from 'vitest';
import { haproxyState, loadConfig, ofKind, Scenario, server } from './harness.js';

const ready = server('ready');

/** An ingress node with HAProxy reporting every server ready and both WANs proven up. */
function healthy(): Scenario {
  const s = new Scenario(loadConfig('ingress.yml'));
  s.at(0, haproxyState(ready, ready, server('drain')));
  s.probes('wan1', '++');
  s.probes('wan2', '++');
  s.probes('mesh', '++');
  return s;
}

function meshStates(s: Scenario): string[] {
  return s
    .of('setServerState')
    .filter((e) => e.server === 'mesh')
    .map((e) => e.state);
}

function wan1States(s: Scenario): string[] {
  return s
    .of('setServerState')
    .filter((e) => e.server === 'wan1')
    .map((e) => e.state);
}

describe('failover between WAN paths and the mesh backup', () => {
  it('keeps the mesh backup ready while WANs are up, so HAProxy fails over without the daemon', () => {
    const s = healthy();
    // The mesh probes came up: the backup server is made ready once, and stays so.
    expect(meshStates(s)).toEqual(['ready']);
    s.probes('wan1', '---');
    s.probes('wan2', '---');
    s.probes('wan1', '++');
    expect(meshStates(s)).toEqual(['ready']);
    // The daemon only counts what the data plane does.
    expect(
      s
        .of('metric')
        .filter((m) => m.name === 'failovers_total')
        .map((m) => m.labels.to),
    ).toEqual(['mesh', 'wan']);
  });

  it('drains the mesh server only while the mesh path itself is down, and readies it after', () => {
    const s = healthy();
    s.probes('mesh', '---');
    expect(meshStates(s)).toEqual(['ready', 'drain']);
    s.probes('mesh', '++');
    expect(meshStates(s)).toEqual(['ready', 'drain', 'ready']);
    expect(s.of('setServerState').filter((e) => e.server !== 'mesh')).toEqual([]);
  });

  it('drains a failed WAN server and readies it again when it recovers', () => {
    const s = healthy();
    s.probes('wan1', '---++');
    expect(wan1States(s)).toEqual(['drain', 'ready']);
  });

  it('emits nothing when HAProxy already agrees', () => {
    const s = healthy();
    const before = s.emitted.length;
    expect(s.of('setServerState').filter((e) => e.server !== 'mesh')).toEqual([]);
    // Two healthy WANs: steering wants both at full weight (100).
    const effects = s.at(
      s.nowMs + 1,
      haproxyState(server('ready', true, 100), server('ready', true, 100), server('ready')),
    );
    expect(ofKind(effects, 'setServerState')).toEqual([]);
    expect(s.emitted.length).toBe(before);
  });

  it('leaves the mesh backup alone until the mesh path has a verdict', () => {
    const s = new Scenario(loadConfig('ingress.yml'));
    s.at(0, haproxyState(ready, ready, server('drain')));
    s.probes('wan1', '---');
    s.probes('wan2', '---');
    s.probes('mesh', '-');
    expect(meshStates(s)).toEqual([]);
    s.probes('mesh', '++');
    expect(meshStates(s)).toEqual(['ready']);
  });

  it('does not steer before the first HAProxy read', () => {
    const s = new Scenario(loadConfig('ingress.yml'));
    s.probes('wan1', '---');
    s.probes('wan2', '---');
    expect(s.of('setServerState')).toEqual([]);
  });

  it('does not force up a server that HAProxy checks hold DOWN, and counts it as down', () => {
    const s = healthy();
    s.probes('wan2', '---');
    // Our probes to wan1 succeed, yet HAProxy's own checks marked wan1 DOWN.
    s.at(s.nowMs + 1, haproxyState(server('drain', false), server('drain'), server('ready')));
    expect(s.of('setServerState').filter((e) => e.server === 'wan1')).toEqual([]);
    expect(
      s
        .of('metric')
        .filter((m) => m.name === 'failovers_total')
        .map((m) => m.labels.to),
    ).toEqual(['mesh']);
  });

  it("leaves an operator's maint alone", () => {
    const s = healthy();
    s.at(s.nowMs + 1, haproxyState(server('maint'), ready, server('drain')));
    s.probes('wan1', '+++');
    expect(s.of('setServerState').filter((e) => e.server === 'wan1')).toEqual([]);
  });

  it('lowers the weight of a WAN whose RTT grows well past the other, and no further command while it holds', () => {
    const s = healthy();
    for (let i = 0; i < 12; i += 1) {
      s.at(s.nowMs + 1000, { type: 'probe', path: 'wan1', ok: true, rttMs: 10 });
      s.at(s.nowMs + 1, { type: 'probe', path: 'wan2', ok: true, rttMs: 250 });
    }
    const weights = s.of('setServerWeight').filter((e) => e.server === 'wan2');
    const last = weights.at(-1)?.weight ?? 100;
    expect(last).toBeLessThan(100);
    expect(last).toBeGreaterThanOrEqual(1);
    expect(s.of('setServerWeight').filter((e) => e.server === 'wan1' && e.weight !== 100)).toEqual([]);
    const count = s.of('setServerWeight').length;
    s.at(s.nowMs + 1000, { type: 'probe', path: 'wan2', ok: true, rttMs: 250 });
    expect(s.of('setServerWeight').length).toBe(count);
  });
});

describe('flap damping', () => {
  it('probe results flipping inside the fall threshold never fail over', () => {
    const s = healthy();
    s.probes('wan1', '-+-+--+-+');
    s.probes('wan2', '-+--+-+');
    expect(s.of('setServerState').filter((e) => e.server !== 'mesh')).toEqual([]);
    expect(s.of('metric').filter((m) => m.name === 'failovers_total')).toEqual([]);
  });

  it('a path that changes state three times in ten seconds is held down, so failover stops oscillating', () => {
    const s = new Scenario(
      loadConfig('ingress.yml', (c) => ({ ...c, paths: c.paths.filter((p) => p.name !== 'wan2') })),
    );
    s.at(0, { type: 'haproxy-state', servers: { 'home/wan1': ready, 'home/mesh': server('drain') } });
    s.probes('wan1', '++'); // up at t=2s
    s.probes('wan1', '---++---'); // down, up, down: three changes between t=5s and t=10s
    expect(wan1States(s)).toEqual(['drain', 'ready', 'drain']);
    s.probes('wan1', '++'); // would come up at t=12s: held until t=42s instead
    s.probes('wan1', '+'.repeat(20)); // healthy, but inside the hold-down
    expect(s.state.paths.wan1?.up).toBe(false);
    expect(wan1States(s)).toEqual(['drain', 'ready', 'drain']);
    expect(s.of('log').some((l) => l.msg === 'path held down')).toBe(true);
    s.at(41_900, { type: 'tick' });
    expect(s.state.paths.wan1?.up).toBe(false);
    s.at(42_000, { type: 'tick' });
    expect(s.state.paths.wan1?.up).toBe(true);
    expect(wan1States(s)).toEqual(['drain', 'ready', 'drain', 'ready']);
    expect(meshStates(s)).toEqual([]);
  });

  it('keeps a timeline of changes with reasons', () => {
    const s = healthy();
    s.at(s.nowMs + 1000, { type: 'probe', path: 'wan1', ok: false, reason: 'connection refused' });
    s.probes('wan1', '--');
    const last = s.state.timeline.at(-1);
    expect(last).toMatchObject({
      subject: 'path wan1',
      from: 'up',
      to: 'down',
      reason: '3 probes failed: timeout',
    });
  });
});
