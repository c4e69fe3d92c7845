import type { ConfigReader } from '../yaml/config-reader.js';
import type { SteeringConfig } from './config-types.js';

/** HAProxy takes 0..256; 100 makes a weight read as a percentage of the full share. */
export const FULL_WEIGHT = 100;

export const STEERING_DEFAULTS: SteeringConfig = {
  enabled: true,
  windowMs: 10_000,
  minSamples: 5,
  lossPenaltyMs: 1000,
  jitterWeight: 1,
  tolerancePercent: 100,
  degradeMs: 150,
  drainMs: 400,
  recoverMs: 50,
  dwellMs: 2000,
  restoreStepPercent: 25,
  minWeight: 1,
};

function bool(r: ConfigReader, key: string, fallback: boolean): boolean {
  const value = r.raw(['steering', key]);
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') r.fail(['steering', key], 'must be true or false');
  return value;
}

/** `steering:` of the daemon's file; each threshold is checked against the others it must order with. */
export function readSteering(r: ConfigReader): SteeringConfig {
  if (r.has(['steering'])) r.requireMap(['steering']);
  const d = STEERING_DEFAULTS;
  const int = (key: keyof SteeringConfig, fallback: number, min: number, max?: number): number =>
    r.int(['steering', key], fallback, min, max);
  const recoverMs = int('recoverMs', d.recoverMs, 0, 60_000);
  const degradeMs = int('degradeMs', Math.max(d.degradeMs, recoverMs + 1), 1, 60_000);
  if (degradeMs <= recoverMs)
    r.fail(['steering', 'degradeMs'], `must be above recoverMs (${recoverMs}), or a path could flap`);
  const drainMs = int('drainMs', Math.max(d.drainMs, degradeMs + 1), 1, 600_000);
  if (drainMs <= degradeMs) r.fail(['steering', 'drainMs'], `must be above degradeMs (${degradeMs})`);
  const windowMs = int('windowMs', d.windowMs, 100, 3_600_000);
  const dwellMs = int('dwellMs', d.dwellMs, 0, 3_600_000);
  return {
    enabled: bool(r, 'enabled', d.enabled),
    windowMs,
    minSamples: int('minSamples', d.minSamples, 1, 10_000),
    lossPenaltyMs: int('lossPenaltyMs', d.lossPenaltyMs, 0, 600_000),
    jitterWeight: int('jitterWeight', d.jitterWeight, 0, 100),
    tolerancePercent: int('tolerancePercent', d.tolerancePercent, 0, 1000),
    degradeMs,
    drainMs,
    recoverMs,
    dwellMs,
    restoreStepPercent: int('restoreStepPercent', d.restoreStepPercent, 1, 100),
    minWeight: int('minWeight', d.minWeight, 0, FULL_WEIGHT - 1),
  };
}
