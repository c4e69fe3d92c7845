import type { SteeringConfig } from './config-types.js';

/** One probe as the quality window keeps it. */
export interface ProbeSample {
  atMs: number;
  ok: boolean;
  /** Time to the first answer byte; null for a failed probe. */
  rttMs: number | null;
}

/** A path's quality over the sliding window, and the one number steering compares: its cost. */
export interface PathQuality {
  samples: number;
  lossRatio: number;
  /** Mean RTT of the successful probes; null when none succeeded. */
  rttMeanMs: number | null;
  /** Mean absolute difference between consecutive RTTs (RFC 3550's notion, unsmoothed). */
  jitterMs: number | null;
  /** What a request pays on this path, in ms: mean RTT, jitter and lost packets (see pathCostMs). */
  costMs: number;
}

/** Adds a probe and forgets those older than the window (time injected). */
export function addSample(
  window: readonly ProbeSample[],
  sample: ProbeSample,
  windowMs: number,
): ProbeSample[] {
  return [...window, sample].filter((s) => sample.atMs - s.atMs < windowMs);
}

/**
 * Removes the last run of failed probes (the outage that took the path down, and the probes while
 * it was down), keeping what came before and the answers since: a path that flaps down and up
 * during a brownout keeps its loss record, one back from a clean outage starts afresh.
 */
export function dropOutage(window: readonly ProbeSample[]): ProbeSample[] {
  let last = window.length - 1;
  while (last >= 0 && window[last]?.ok) last -= 1;
  if (last < 0) return [...window];
  let first = last;
  while (first > 0 && window[first - 1]?.ok === false) first -= 1;
  return [...window.slice(0, first), ...window.slice(last + 1)];
}

/** Samples still inside the window at nowMs (a quiet path ages out too). */
export function insideWindow(window: readonly ProbeSample[], windowMs: number, nowMs: number): ProbeSample[] {
  return window.filter((s) => nowMs - s.atMs < windowMs);
}

function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

/**
 * A lost packet costs a user about one retransmission timeout (TCP's first is 1 s), so loss is
 * priced at lossPenaltyMs per unit ratio; jitter adds queueing the mean does not show.
 */
export function pathCostMs(
  q: Pick<PathQuality, 'lossRatio' | 'rttMeanMs' | 'jitterMs'>,
  cfg: SteeringConfig,
): number {
  return (q.rttMeanMs ?? 0) + cfg.jitterWeight * (q.jitterMs ?? 0) + q.lossRatio * cfg.lossPenaltyMs;
}

export function measureQuality(window: readonly ProbeSample[], cfg: SteeringConfig): PathQuality {
  const rtts = window.flatMap((s) => (s.ok && s.rttMs !== null ? [s.rttMs] : []));
  const diffs = rtts.slice(1).map((rtt, i) => Math.abs(rtt - (rtts[i] ?? rtt)));
  const lossRatio = window.length === 0 ? 0 : window.filter((s) => !s.ok).length / window.length;
  const partial = { lossRatio, rttMeanMs: mean(rtts), jitterMs: mean(diffs) };
  return { samples: window.length, ...partial, costMs: pathCostMs(partial, cfg) };
}
