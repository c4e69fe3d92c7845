import { describe, expect, it } from 'vitest';
import { haproxyState, loadConfig, Scenario, server } from './harness.js';

describe('steering and flap damping', () => {
  it('a WAN back from a flap hold-down restarts at the floor and climbs, while the other keeps full weight', () => {
    const s = new Scenario(loadConfig('ingress.yml'));
    s.at(0, haproxyState(server('ready', true, 100), server('ready', true, 100), server('ready', true, 1)));
    const round = (wan1: boolean): void => {
      s.at(s.nowMs + 1000, { type: 'probe', path: 'wan1', ok: wan1, rttMs: 5, reason: 'timeout' });
      s.at(s.nowMs, { type: 'probe', path: 'wan2', ok: true, rttMs: 5 });
    };
    for (const ok of '++' + '---++---' + '++') round(ok === '+');
    expect(s.state.paths.wan1?.heldUntilMs).not.toBeNull();
    while (s.state.paths.wan1?.up !== true) {
      round(true);
      s.at(s.nowMs, { type: 'tick' });
    }
    expect(s.state.steering.wan1?.weight).toBe(1);
    expect(s.state.timeline.at(-1)).toMatchObject({
      subject: 'weight wan1',
      to: '1',
      reason: 'back from a flap hold-down: climbs from the floor',
    });
    for (let i = 0; i < 30; i += 1) round(true);
    expect(s.state.steering.wan1?.weight).toBe(100);
    expect(s.state.steering.wan2?.weight).toBe(100);
    const climbs = s.state.timeline.filter((t) => t.subject === 'weight wan1').map((t) => t.to);
    expect(climbs).toEqual(['1', '26', '51', '76', '100']);
  });
});
