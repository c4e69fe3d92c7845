import { describe, expect, it } from 'vitest';
import { STEERING_DEFAULTS } from '../../../src/daemon/config-steering.js';
import { addSample, dropOutage, insideWindow, measureQuality } from '../../../src/daemon/path-quality.js';
import type { ProbeSample } from '../../../src/daemon/path-quality.js';
import { weightFor } from '../../../src/daemon/steering.js';

const cfg = STEERING_DEFAULTS;
const sample = (atMs: number, rttMs: number | null): ProbeSample => ({ atMs, ok: rttMs !== null, rttMs });

describe('path quality over the window', () => {
  it('measures loss, mean RTT, jitter and their cost', () => {
    const window = [sample(0, 10), sample(500, 30), sample(1000, null), sample(1500, 20)];
    const q = measureQuality(window, cfg);
    expect(q).toEqual({ samples: 4, lossRatio: 0.25, rttMeanMs: 20, jitterMs: 15, costMs: 20 + 15 + 250 });
  });

  it('has no RTT when every probe was lost, and prices the loss alone', () => {
    expect(measureQuality([sample(0, null), sample(1, null)], cfg)).toMatchObject({
      lossRatio: 1,
      rttMeanMs: null,
      jitterMs: null,
      costMs: 1000,
    });
  });

  it('forgets probes older than the window, also when no probe arrives', () => {
    let window: ProbeSample[] = [];
    for (let t = 0; t <= 12_000; t += 1000) window = addSample(window, sample(t, 5), 10_000);
    expect(window.map((s) => s.atMs)).toEqual([
      3000, 4000, 5000, 6000, 7000, 8000, 9000, 10_000, 11_000, 12_000,
    ]);
    expect(insideWindow(window, 10_000, 20_000)).toEqual([sample(11_000, 5), sample(12_000, 5)]);
  });
});

describe('weight for an excess cost', () => {
  it('is full up to recoverMs, linear down to minWeight at drainMs', () => {
    expect(weightFor(0, cfg)).toBe(100);
    expect(weightFor(50, cfg)).toBe(100);
    expect(weightFor(225, cfg)).toBe(50);
    expect(weightFor(400, cfg)).toBe(1);
    expect(weightFor(5000, { ...cfg, minWeight: 0 })).toBe(0);
  });
});

describe('a path back from an outage', () => {
  const pattern = (text: string): ProbeSample[] =>
    [...text].map((c, i) => sample(i * 500, c === '+' ? 5 : null));
  const shape = (window: ProbeSample[]): string => window.map((s) => (s.ok ? '+' : '-')).join('');

  it('forgets the failures of the outage and keeps the loss before it', () => {
    expect(shape(dropOutage(pattern('++-+-++----++')))).toBe('++-+-++++');
    expect(shape(dropOutage(pattern('-------++')))).toBe('++');
    expect(shape(dropOutage(pattern('+++')))).toBe('+++');
  });
});
