import type { TimelineEntry } from './types.js';

export const TIMELINE_LIMIT = 200;

/** Appends and keeps the newest entries only, so a long-running daemon stays bounded. */
export function appendTimeline(timeline: readonly TimelineEntry[], entry: TimelineEntry): TimelineEntry[] {
  const next = [...timeline, entry];
  return next.length > TIMELINE_LIMIT ? next.slice(next.length - TIMELINE_LIMIT) : next;
}
