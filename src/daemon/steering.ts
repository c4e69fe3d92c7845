import { FULL_WEIGHT } from './config-steering.js';
import type { SteeringConfig } from './config-types.js';
import type { PathQuality } from './path-quality.js';

/** One WAN path's weight and the clocks of its hysteresis. */
export interface SteerState {
  /** HAProxy weight, 0..FULL_WEIGHT. */
  weight: number;
  changedAtMs: number | null;
  /**
   * Since when the path has been worse than the best by degradeMs or more, without coming back
   * within recoverMs of it: a noisy brownout dips into the band, and that must not restart its clock.
   */
  badSinceMs: number | null;
  /** Since when it has been within recoverMs of the best. */
  goodSinceMs: number | null;
  /** Why the weight is what it is (the last decision). */
  reason: string;
}

export interface SteerInput {
  name: string;
  /** Our probes say up: the path is judged. */
  up: boolean;
  /** Up, and HAProxy's checks do not say down: HAProxy can send traffic to it now. */
  usable: boolean;
  quality: PathQuality;
}

export interface SteerDecision {
  path: string;
  from: number;
  to: number;
  reason: string;
}

export interface SteerResult {
  steering: Record<string, SteerState>;
  decisions: SteerDecision[];
}

export function newSteerState(): SteerState {
  return {
    weight: FULL_WEIGHT,
    changedAtMs: null,
    badSinceMs: null,
    goodSinceMs: null,
    reason: 'full weight until judged',
  };
}

/** The weight an excess cost deserves: full at recoverMs, falling linearly to minWeight at drainMs. */
export function weightFor(excessMs: number, cfg: SteeringConfig): number {
  const share = (cfg.drainMs - excessMs) / (cfg.drainMs - cfg.recoverMs);
  return Math.min(FULL_WEIGHT, Math.max(cfg.minWeight, Math.round(FULL_WEIGHT * share)));
}

/**
 * How much worse a path is than the best. RTT noise grows with the RTT (a loaded host adds to every
 * probe), so a margin of tolerancePercent of the best's latency part (RTT and jitter, not loss) is free.
 */
export function excessOver(q: PathQuality, best: PathQuality, cfg: SteeringConfig): number {
  const bestLatencyMs = (best.rttMeanMs ?? 0) + cfg.jitterWeight * (best.jitterMs ?? 0);
  return q.costMs - best.costMs - (bestLatencyMs * cfg.tolerancePercent) / 100;
}

const ms = (value: number | null): string => (value === null ? '-' : `${Math.round(value)} ms`);

export function describeQuality(q: PathQuality): string {
  return `loss ${Math.round(q.lossRatio * 100)}%, rtt ${ms(q.rttMeanMs)}, jitter ${ms(q.jitterMs)}`;
}

interface Judged extends SteerInput {
  excessMs: number;
}

function verdictReason(p: Judged, best: SteerInput, cfg: SteeringConfig, to: number, from: number): string {
  const cost =
    p.name === best.name
      ? `cost ${ms(p.quality.costMs)}, the best`
      : `cost ${ms(p.quality.costMs)} vs ${ms(best.quality.costMs)} on ${best.name}`;
  const limit =
    to < from
      ? to <= cfg.minWeight
        ? `drain at ${cfg.drainMs}`
        : `degrade at ${cfg.degradeMs}`
      : `recover below ${cfg.recoverMs}`;
  return `${cost} (excess ${Math.round(p.excessMs)} ms, ${limit}): ${describeQuality(p.quality)}`;
}

/**
 * Whether the path was already lowered in its current bad spell (the spell began before the last
 * change): the spell has proven itself, so a worse reading lowers it further at once.
 */
function loweredInSpell(prev: SteerState): boolean {
  return prev.badSinceMs !== null && prev.changedAtMs !== null && prev.badSinceMs < prev.changedAtMs;
}

/**
 * The next weight of one judged path, or null to keep it. Fail fast, recover slowly: a bad spell
 * lowers after dwellMs and then follows the evidence down; a weight holds dwellMs after a rise,
 * and each rise waits out dwellMs of good readings and of the weight.
 */
function nextWeight(p: Judged, prev: SteerState, cfg: SteeringConfig, nowMs: number): number | null {
  const settled = prev.changedAtMs === null || nowMs - prev.changedAtMs >= cfg.dwellMs;
  const target = weightFor(p.excessMs, cfg);
  const bad = p.excessMs >= cfg.degradeMs;
  const spellMs = prev.badSinceMs === null ? 0 : nowMs - prev.badSinceMs;
  if (bad && spellMs >= cfg.dwellMs && (settled || loweredInSpell(prev)) && target < prev.weight)
    return target;
  if (!settled) return null;
  if (prev.goodSinceMs !== null && nowMs - prev.goodSinceMs >= cfg.dwellMs && prev.weight < FULL_WEIGHT) {
    const step = Math.max(1, Math.round((FULL_WEIGHT * cfg.restoreStepPercent) / 100));
    return Math.min(FULL_WEIGHT, prev.weight + step);
  }
  return null;
}

function judge(p: Judged, prev: SteerState, best: SteerInput, cfg: SteeringConfig, nowMs: number) {
  const bad = p.excessMs >= cfg.degradeMs;
  const good = p.excessMs <= cfg.recoverMs;
  // Fail fast, recover slowly: only a good reading ends a bad spell, while the band between
  // recoverMs and degradeMs (or a bad reading) ends a good one. Inside the band the weight holds.
  const clocked: SteerState = {
    ...prev,
    badSinceMs: good ? null : bad ? (prev.badSinceMs ?? nowMs) : prev.badSinceMs,
    goodSinceMs: good ? (prev.goodSinceMs ?? nowMs) : null,
  };
  const to = nextWeight(p, clocked, cfg, nowMs);
  if (to === null || to === prev.weight) return { state: clocked, decision: null };
  const reason = verdictReason(p, best, cfg, to, prev.weight);
  return {
    state: { ...clocked, weight: to, changedAtMs: nowMs, reason },
    decision: { path: p.name, from: prev.weight, to, reason },
  };
}

/**
 * Steering by quality, relative to the best usable WAN: a path whose cost exceeds the best's by
 * degradeMs for dwellMs loses weight in proportion to the excess (down to minWeight); one back
 * within recoverMs for dwellMs climbs by restoreStepPercent per dwellMs. Some usable WAN always
 * has full weight, so traffic never waits for a climb when the healthy path fails.
 */
export function planSteering(
  inputs: readonly SteerInput[],
  prev: Readonly<Record<string, SteerState>>,
  cfg: SteeringConfig,
  nowMs: number,
): SteerResult {
  const steering: Record<string, SteerState> = {};
  for (const input of inputs) steering[input.name] = prev[input.name] ?? newSteerState();
  if (!cfg.enabled) return { steering, decisions: [] };
  // Judged on our own probes: HAProxy's checks flip a lossy path DOWN and UP, which must not reset its clocks.
  const judged = inputs.filter((p) => p.up && p.quality.samples >= cfg.minSamples);
  const best = cheapest(judged);
  const decisions: SteerDecision[] = [];
  for (const input of inputs) {
    const state = steering[input.name] ?? newSteerState();
    if (best === null || !judged.includes(input)) {
      // A lossy path that our probes take down and back up stays in its bad spell: down is no better.
      steering[input.name] = { ...state, goodSinceMs: null };
      continue;
    }
    const excessMs = excessOver(input.quality, best.quality, cfg);
    const next = judge({ ...input, excessMs }, state, best, cfg, nowMs);
    steering[input.name] = next.state;
    if (next.decision) decisions.push(next.decision);
  }
  const promoted = promoteBest(inputs, judged, steering, cfg, nowMs);
  return { steering: promoted.steering, decisions: [...decisions, ...promoted.decisions] };
}

function cheapest(paths: readonly SteerInput[]): SteerInput | null {
  return paths.reduce<SteerInput | null>(
    (b, p) => (b === null || p.quality.costMs < b.quality.costMs ? p : b),
    null,
  );
}

/**
 * Some WAN always carries full weight: when none does (the healthy one failed), the best remaining
 * one (by cost, else the heaviest) gets it without waiting for a climb. With minWeight 0 a lowered
 * WAN is out of HAProxy's rotation, so HAProxy's checks count too: else the mesh would take over.
 */
function promoteBest(
  inputs: readonly SteerInput[],
  judged: readonly SteerInput[],
  steering: Record<string, SteerState>,
  cfg: SteeringConfig,
  nowMs: number,
): SteerResult {
  const usable = inputs.filter((p) => (cfg.minWeight === 0 ? p.usable : p.up));
  const weightOf = (p: SteerInput): number => steering[p.name]?.weight ?? FULL_WEIGHT;
  if (usable.some((p) => weightOf(p) === FULL_WEIGHT)) return { steering, decisions: [] };
  const best = cheapest(judged.filter((p) => usable.includes(p)));
  const heaviest = usable.reduce<SteerInput | null>(
    (h, p) => (h === null || weightOf(p) > weightOf(h) ? p : h),
    null,
  );
  const chosen = best ?? heaviest;
  const state = chosen ? steering[chosen.name] : undefined;
  if (!chosen || !state) return { steering, decisions: [] };
  const others = usable.filter((p) => p !== chosen).map((p) => p.name);
  const reason =
    chosen === best ? `best usable WAN (${describeQuality(chosen.quality)})` : 'heaviest usable WAN';
  const why = others.length > 0 ? `${reason}; ${others.join(', ')} worse` : `${reason}, the only one left`;
  // A fresh spell: a promoted path is lowered again only after a whole dwell of bad readings.
  const next = { ...state, weight: FULL_WEIGHT, changedAtMs: nowMs, badSinceMs: null, reason: why };
  return {
    steering: { ...steering, [chosen.name]: next },
    decisions: [{ path: chosen.name, from: state.weight, to: FULL_WEIGHT, reason: why }],
  };
}
