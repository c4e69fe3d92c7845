import { describe, expect, it } from 'vitest';
import { STEERING_DEFAULTS } from '../../../src/daemon/config-steering.js';
import type { PathQuality } from '../../../src/daemon/path-quality.js';
import { newSteerState, planSteering } from '../../../src/daemon/steering.js';
import type { SteerInput } from '../../../src/daemon/steering.js';

const clean: PathQuality = { samples: 20, lossRatio: 0, rttMeanMs: 5, jitterMs: 1, costMs: 6 };
const lossy: PathQuality = { samples: 20, lossRatio: 0.3, rttMeanMs: 120, jitterMs: 180, costMs: 600 };
const drained = { ...newSteerState(), weight: 0, changedAtMs: 0, reason: 'drained' };

/** wan1 lossy and drained; wan2 clean at full weight, its HAProxy check as given. */
function inputs(wan2Usable: boolean): SteerInput[] {
  return [
    { name: 'wan1', up: true, usable: true, quality: lossy },
    { name: 'wan2', up: true, usable: wan2Usable, quality: clean },
  ];
}

describe('the full-weight WAN failing its HAProxy check', () => {
  it('with minWeight 0, gives the drained WAN full weight at once, or HAProxy would use the mesh', () => {
    const cfg = { ...STEERING_DEFAULTS, minWeight: 0 };
    const plan = planSteering(inputs(false), { wan1: drained, wan2: newSteerState() }, cfg, 60_000);
    expect(plan.steering.wan1?.weight).toBe(100);
    expect(plan.decisions).toEqual([
      { path: 'wan1', from: 0, to: 100, reason: expect.stringMatching(/^best usable WAN \(loss 30%/) },
    ]);
  });

  it('with minWeight 1, leaves it: HAProxy falls back to the lowered WAN by itself', () => {
    const low = { ...drained, weight: 1 };
    const plan = planSteering(inputs(false), { wan1: low, wan2: newSteerState() }, STEERING_DEFAULTS, 60_000);
    expect(plan.steering.wan1?.weight).toBe(1);
    expect(plan.decisions).toEqual([]);
  });

  it('changes nothing while steering is disabled', () => {
    const cfg = { ...STEERING_DEFAULTS, enabled: false };
    const plan = planSteering(inputs(true), {}, cfg, 60_000);
    expect(plan.decisions).toEqual([]);
    expect(plan.steering.wan1?.weight).toBe(100);
  });
});
