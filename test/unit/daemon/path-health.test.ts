import { describe, expect, it } from 'vitest';
import { applyProbe, lossRatio, newPathState } from '../../../src/daemon/path-health.js';
import type { PathState } from '../../../src/daemon/types.js';
import { loadConfig } from './harness.js';

const cfg = loadConfig('ingress.yml').probe;

/** '+' = probe ok, '-' = probe failed, one a second. */
function run(outcomes: string, start: PathState = newPathState('wan1')): PathState {
  let path = start;
  [...outcomes].forEach((char, i) => {
    path = applyProbe(path, { ok: char === '+', rttMs: 20 }, cfg, (i + 1) * 1000).path;
  });
  return path;
}

describe('path hysteresis (rise 2, fall 3)', () => {
  it.each([
    ['', null],
    ['+', null],
    ['++', true],
    ['--', null],
    ['---', false],
    ['++--', true],
    ['++---', false],
    ['++-+-+-', true],
    ['---+', false],
    ['---++', true],
  ])('after "%s" the path is %s', (outcomes, expected) => {
    expect(run(outcomes).up).toBe(expected);
  });

  it('records why a path went down', () => {
    let path = run('++');
    for (let i = 0; i < 3; i += 1)
      path = applyProbe(path, { ok: false, reason: 'tls handshake timeout' }, cfg, 10_000 + i).path;
    expect(path.up).toBe(false);
    expect(path.reason).toBe('3 probes failed: tls handshake timeout');
    expect(path.lastChangeMs).toBe(10_002);
  });

  it('averages RTT and measures loss over the window', () => {
    let path = newPathState('wan1');
    path = applyProbe(path, { ok: true, rttMs: 100 }, cfg, 1).path;
    path = applyProbe(path, { ok: true, rttMs: 200 }, cfg, 2).path;
    expect(path.rttEwmaMs).toBeCloseTo(130);
    path = applyProbe(path, { ok: false }, cfg, 3).path;
    expect(lossRatio(path)).toBeCloseTo(1 / 3);
    expect(path.rttEwmaMs).toBeCloseTo(130);
  });

  it('forgets losses older than the window', () => {
    const path = run('-'.repeat(3) + '+'.repeat(cfg.lossWindow));
    expect(lossRatio(path)).toBe(0);
  });
});
