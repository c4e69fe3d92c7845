import { median, ratio } from './stats.js';

/** One measured quantity: every run's value, against a baseline measured in the same bench run. */
export interface Figure {
  section: string;
  name: string;
  unit: string;
  /** Which way is better, so a reader knows what a ratio below 1 means. */
  better: 'lower' | 'higher';
  values: number[];
  median: number;
  baseline: { name: string; values: number[]; median: number } | null;
  /** median / baseline median. */
  ratio: number | null;
  note?: string;
}

export function figure(
  head: Pick<Figure, 'section' | 'name' | 'unit' | 'better'> & { note?: string },
  values: number[],
  baseline?: { name: string; values: number[] },
): Figure {
  const m = median(values);
  const base = baseline ? { ...baseline, median: median(baseline.values) } : null;
  return { ...head, values, median: m, baseline: base, ratio: base ? ratio(m, base.median) : null };
}

/** One request of a load run on the failover timeline (time from the cycle's start). */
export interface TimelinePoint {
  tMs: number;
  node: string;
  ok: boolean;
}

export interface TimelineVariant {
  name: string;
  points: TimelinePoint[];
  events: { tMs: number; label: string }[];
}

export interface BenchResults {
  startedAt: string;
  durationS: number;
  machine: { cpus: number; cpuModel: string; memoryGb: number; kernel: string; node: string; note: string };
  runs: number;
  sections: string[];
  figures: Figure[];
  /** Prerequisites that were missing, by section skipped. */
  skipped: { section: string; why: string }[];
  timeline: TimelineVariant[];
}
