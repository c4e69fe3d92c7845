import type { ProbeConfig } from './config.js';
import type { Effect, PathState, TimelineEntry } from './types.js';
import { log, metric } from './types.js';

/** Smoothing of the RTT average: 0.3 follows a change within a handful of probes. */
const EWMA_ALPHA = 0.3;

export function newPathState(name: string): PathState {
  return {
    name,
    up: null,
    okStreak: 0,
    failStreak: 0,
    rttEwmaMs: null,
    samples: [],
    window: [],
    lastChangeMs: null,
    reason: 'no probe yet',
    changesMs: [],
    heldUntilMs: null,
  };
}

export interface PathUpdate {
  path: PathState;
  effects: Effect[];
  change: TimelineEntry | null;
}

export interface ProbeOutcome {
  ok: boolean;
  rttMs?: number;
  reason?: string;
}

/** Folds one probe result into the path: counters, averages, then the verdict. */
export function applyProbe(
  path: PathState,
  probe: ProbeOutcome,
  cfg: ProbeConfig,
  nowMs: number,
): PathUpdate {
  const samples = [...path.samples, probe.ok].slice(-cfg.lossWindow);
  const rtt = probe.ok && probe.rttMs !== undefined ? probe.rttMs : null;
  const next: PathState = {
    ...path,
    samples,
    okStreak: probe.ok ? path.okStreak + 1 : 0,
    failStreak: probe.ok ? 0 : path.failStreak + 1,
    rttEwmaMs:
      rtt === null
        ? path.rttEwmaMs
        : path.rttEwmaMs === null
          ? rtt
          : path.rttEwmaMs + EWMA_ALPHA * (rtt - path.rttEwmaMs),
  };
  const reason = probe.ok ? 'probe ok' : (probe.reason ?? 'probe failed');
  const verdict = evaluate(next, cfg, nowMs, reason);
  return { ...verdict, effects: [...qualityMetrics(verdict.path), ...verdict.effects] };
}

/** Re-judges a path without a new probe: a hold-down may have expired. */
export function evaluate(path: PathState, cfg: ProbeConfig, nowMs: number, reason: string): PathUpdate {
  if (path.up !== false && path.failStreak >= cfg.fall) {
    return transition(path, false, `${path.failStreak} probes failed: ${reason}`, cfg, nowMs);
  }
  if (path.up !== true && path.okStreak >= cfg.rise) {
    const recent = path.changesMs.filter((t) => nowMs - t < cfg.flapWindowMs);
    if (path.heldUntilMs !== null && nowMs < path.heldUntilMs) return unchanged(path);
    if (recent.length >= cfg.flapCount) return holdDown(path, recent, cfg, nowMs);
    return transition(path, true, `${path.okStreak} probes succeeded`, cfg, nowMs);
  }
  return unchanged(path);
}

function unchanged(path: PathState): PathUpdate {
  return { path, effects: [], change: null };
}

function holdDown(path: PathState, recent: number[], cfg: ProbeConfig, nowMs: number): PathUpdate {
  const heldUntilMs = nowMs + cfg.holdDownMs;
  const reason = `flapping: ${recent.length} changes in ${cfg.flapWindowMs} ms, held down for ${cfg.holdDownMs} ms`;
  const held: PathState = { ...path, heldUntilMs, reason };
  return {
    path: held,
    effects: [log('warn', 'path held down', { path: path.name, reason, heldUntilMs })],
    change: null,
  };
}

function transition(
  path: PathState,
  up: boolean,
  reason: string,
  cfg: ProbeConfig,
  nowMs: number,
): PathUpdate {
  const from = path.up === null ? 'unknown' : path.up ? 'up' : 'down';
  const to = up ? 'up' : 'down';
  // The first verdict after start is not a flap; only real changes count towards damping.
  const changesMs =
    path.up === null
      ? path.changesMs
      : [...path.changesMs.filter((t) => nowMs - t < cfg.flapWindowMs), nowMs];
  const next: PathState = { ...path, up, reason, lastChangeMs: nowMs, changesMs, heldUntilMs: null };
  const effects: Effect[] = [
    log(up ? 'info' : 'warn', `path ${to}`, { path: path.name, from, reason }),
    metric('path_up', up ? 1 : 0, { path: path.name }),
    metric('state_changes_total', 1, { path: path.name, to }, 'inc'),
  ];
  return { path: next, effects, change: { atMs: nowMs, subject: `path ${path.name}`, from, to, reason } };
}

export function lossRatio(path: PathState): number {
  if (path.samples.length === 0) return 0;
  return path.samples.filter((ok) => !ok).length / path.samples.length;
}

function qualityMetrics(path: PathState): Effect[] {
  const effects: Effect[] = [metric('loss_ratio', lossRatio(path), { path: path.name })];
  if (path.rttEwmaMs !== null)
    effects.push(metric('rtt_seconds', path.rttEwmaMs / 1000, { path: path.name }));
  return effects;
}
