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

/** `steering:` of the daemon's file (types and ranges: STEERING_SCHEMA); the thresholds must keep their order. */
export function readSteering(r: ConfigReader): SteeringConfig {
  const d = STEERING_DEFAULTS;
  const int = (key: keyof SteeringConfig, fallback: number): number => r.int(['steering', key], fallback);
  const recoverMs = int('recoverMs', d.recoverMs);
  const degradeMs = int('degradeMs', Math.max(d.degradeMs, recoverMs + 1));
  if (degradeMs <= recoverMs)
    r.fail(['steering', 'degradeMs'], `must be above recoverMs (${recoverMs}), or a path could flap`);
  const drainMs = int('drainMs', Math.max(d.drainMs, degradeMs + 1));
  if (drainMs <= degradeMs) r.fail(['steering', 'drainMs'], `must be above degradeMs (${degradeMs})`);
  return {
    enabled: r.bool(['steering', 'enabled'], d.enabled),
    windowMs: int('windowMs', d.windowMs),
    minSamples: int('minSamples', d.minSamples),
    lossPenaltyMs: int('lossPenaltyMs', d.lossPenaltyMs),
    jitterWeight: int('jitterWeight', d.jitterWeight),
    tolerancePercent: int('tolerancePercent', d.tolerancePercent),
    degradeMs,
    drainMs,
    recoverMs,
    dwellMs: int('dwellMs', d.dwellMs),
    restoreStepPercent: int('restoreStepPercent', d.restoreStepPercent),
    minWeight: int('minWeight', d.minWeight),
  };
}
