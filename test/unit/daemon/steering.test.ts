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

  it('lowers a promoted WAN again only after a whole fresh dwell of bad readings', () => {
    const cfg = { ...STEERING_DEFAULTS, minWeight: 0 };
    const inSpell = { ...drained, badSinceMs: 0, changedAtMs: 2000 };
    let steering = planSteering(
      inputs(false),
      { wan1: inSpell, wan2: newSteerState() },
      cfg,
      60_000,
    ).steering;
    const weights = [60_500, 61_500, 62_500].map((atMs) => {
      steering = planSteering(inputs(true), steering, cfg, atMs).steering;
      return steering.wan1?.weight;
    });
    expect(weights).toEqual([100, 100, 0]);
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

/** wan1 at a given cost over a clean wan2 (excess = cost - 12 ms), or down by our probes. */
type Reading = number | 'down';

/** wan1's weight after each reading, one reading per second. */
function replayWan1(readings: readonly Reading[]): number[] {
  let steering: Record<string, ReturnType<typeof newSteerState>> = {};
  return readings.map((reading, i) => {
    const quality: PathQuality = { ...lossy, costMs: reading === 'down' ? 0 : reading };
    const wan1: SteerInput = { name: 'wan1', up: reading !== 'down', usable: true, quality };
    const wan2: SteerInput = { name: 'wan2', up: true, usable: true, quality: clean };
    steering = planSteering([wan1, wan2], steering, STEERING_DEFAULTS, i * 1000).steering;
    return steering.wan1?.weight ?? NaN;
  });
}

// Defaults: recover below 50 ms of excess, degrade at 150, drain at 400, dwell 2 s.
const BAD = 312;
const BAND = 112;
const GOOD = 40;

describe('the bad spell of a path', () => {
  it('survives readings inside the band: a noisy brownout is lowered after the dwell time', () => {
    expect(replayWan1([BAD, BAND, BAD, BAND, BAD])).toEqual([100, 100, 29, 29, 29]);
  });

  it('survives our probes taking the lossy path down and back up', () => {
    expect(replayWan1([BAD, 'down', BAD, BAD])).toEqual([100, 100, 29, 29]);
  });

  it('ends with a good reading, so a path that recovered waits out a fresh dwell', () => {
    expect(replayWan1([BAD, GOOD, BAD, BAD, BAD])).toEqual([100, 100, 100, 100, 29]);
  });

  it('never lowers a path on a reading inside the band, however long the spell', () => {
    expect(replayWan1([BAD, BAND, BAND, BAND])).toEqual([100, 100, 100, 100]);
  });

  it('lowers a lowered path further at once, to what a worse reading in the same spell deserves', () => {
    expect(replayWan1([BAD, BAD, BAD, 412, BAND, 512])).toEqual([100, 100, 29, 1, 1, 1]);
  });

  it('never lowers it again on a better reading of the same spell', () => {
    expect(replayWan1([512, 512, 512, BAD, BAD])).toEqual([100, 100, 1, 1, 1]);
  });

  it('after a rise, lowers only once a fresh spell has lasted the dwell time', () => {
    const readings: Reading[] = [BAD, BAD, BAD, GOOD, GOOD, GOOD, 512, 512, 512];
    expect(replayWan1(readings)).toEqual([100, 100, 29, 29, 29, 54, 54, 54, 1]);
  });
});
