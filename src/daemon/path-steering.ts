import { pathUsable } from './haproxy-sync.js';
import { addSample, dropOutage, insideWindow, measureQuality } from './path-quality.js';
import type { PathQuality } from './path-quality.js';
import { newSteerState, planSteering } from './steering.js';
import type { SteerDecision, SteerInput } from './steering.js';
import { appendTimeline } from './timeline.js';
import type { DaemonState, Effect, PathState, StepResult, TimelineEntry } from './types.js';
import { log, metric } from './types.js';

/**
 * Folds a probe into the path's quality window. When the path comes back up, the failures of
 * its outage leave the window: rise/fall judged them already, and they are no brownout.
 */
export function recordProbe(
  before: PathState,
  after: PathState,
  probe: { ok: boolean; rttMs?: number },
  windowMs: number,
  nowMs: number,
): PathState {
  const rttMs = probe.ok && probe.rttMs !== undefined ? probe.rttMs : null;
  const window = addSample(before.window, { atMs: nowMs, ok: probe.ok, rttMs }, windowMs);
  const cameUp = before.up === false && after.up === true;
  return { ...after, window: cameUp ? dropOutage(window) : window };
}

export function qualityOf(state: DaemonState, path: string, nowMs: number): PathQuality | null {
  const p = state.paths[path];
  if (!p) return null;
  return measureQuality(insideWindow(p.window, state.config.steering.windowMs, nowMs), state.config.steering);
}

/** Gauges of one path after a probe: windowed loss, mean RTT, jitter, cost, and its weight. */
export function qualityMetrics(state: DaemonState, path: string, nowMs: number): Effect[] {
  const q = qualityOf(state, path, nowMs);
  if (!q) return [];
  const labels = { path };
  const effects: Effect[] = [
    metric('window_loss_ratio', q.lossRatio, labels),
    metric('path_cost_seconds', q.costMs / 1000, labels),
  ];
  if (q.rttMeanMs !== null) effects.push(metric('rtt_mean_seconds', q.rttMeanMs / 1000, labels));
  if (q.jitterMs !== null) effects.push(metric('rtt_jitter_seconds', q.jitterMs / 1000, labels));
  const weight = state.steering[path]?.weight;
  if (weight !== undefined) effects.push(metric('path_weight', weight, labels));
  return effects;
}

function decisionEffects(d: SteerDecision): Effect[] {
  const direction = d.to < d.from ? 'down' : 'up';
  return [
    log(direction === 'down' ? 'warn' : 'info', `path weight ${direction}`, {
      path: d.path,
      from: d.from,
      to: d.to,
      reason: d.reason,
    }),
    metric('path_weight', d.to, { path: d.path }),
    metric('weight_changes_total', 1, { path: d.path, direction }, 'inc'),
  ];
}

/** Re-plans the WANs' weights from their quality; every change goes to the timeline with its reason. */
export function steerPaths(state: DaemonState, nowMs: number): StepResult {
  const inputs: SteerInput[] = [];
  for (const path of state.config.paths) {
    if (path.kind !== 'wan') continue;
    const quality = qualityOf(state, path.name, nowMs);
    const up = state.paths[path.name]?.up === true;
    if (quality) inputs.push({ name: path.name, up, usable: pathUsable(state, path) === true, quality });
  }
  if (inputs.length === 0) return { state, effects: [] };
  const plan = planSteering(inputs, state.steering, state.config.steering, nowMs);
  let timeline = state.timeline;
  for (const d of plan.decisions) {
    const entry: TimelineEntry = {
      atMs: nowMs,
      subject: `weight ${d.path}`,
      from: String(d.from),
      to: String(d.to),
      reason: d.reason,
    };
    timeline = appendTimeline(timeline, entry);
  }
  return {
    state: { ...state, steering: plan.steering, timeline },
    effects: plan.decisions.flatMap(decisionEffects),
  };
}

/**
 * A WAN back from a flap hold-down is suspect: it restarts at minWeight and climbs like any
 * recovering path, instead of taking full traffic until its new window has judged it again.
 */
export function restartAfterHold(
  state: DaemonState,
  before: PathState,
  after: PathState,
  nowMs: number,
): StepResult {
  const steer = state.steering[after.name];
  const { minWeight, enabled } = state.config.steering;
  const backFromHold = before.up === false && after.up === true && before.heldUntilMs !== null;
  if (!enabled || !steer || !backFromHold || steer.weight <= minWeight) return { state, effects: [] };
  const reason = 'back from a flap hold-down: climbs from the floor';
  const decision: SteerDecision = { path: after.name, from: steer.weight, to: minWeight, reason };
  const entry: TimelineEntry = {
    atMs: nowMs,
    subject: `weight ${after.name}`,
    from: String(steer.weight),
    to: String(minWeight),
    reason,
  };
  const next = {
    ...steer,
    weight: minWeight,
    changedAtMs: nowMs,
    badSinceMs: null,
    goodSinceMs: null,
    reason,
  };
  return {
    state: {
      ...state,
      steering: { ...state.steering, [after.name]: next },
      timeline: appendTimeline(state.timeline, entry),
    },
    effects: decisionEffects(decision),
  };
}

export function initialSteering(state: Pick<DaemonState, 'config'>): DaemonState['steering'] {
  return Object.fromEntries(
    state.config.paths.filter((p) => p.kind === 'wan').map((p) => [p.name, newSteerState()]),
  );
}
