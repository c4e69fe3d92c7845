import type { HostStats } from './output-types.js';

/** What outlives a play: facts, registered vars, failed and unreachable hosts, the recap counters. */
export interface RunState {
  facts: Map<string, Record<string, unknown>>;
  /** register and set_fact results per host. */
  hostFacts: Map<string, Record<string, unknown>>;
  hostVarsCache: Map<string, Record<string, unknown>>;
  failed: Set<string>;
  unreachable: Set<string>;
  stats: Map<string, HostStats>;
  /** any_errors_fatal or max_fail_percentage stopped the run. */
  aborted: boolean;
}

export function newRunState(): RunState {
  return {
    facts: new Map(),
    hostFacts: new Map(),
    hostVarsCache: new Map(),
    failed: new Set(),
    unreachable: new Set(),
    stats: new Map(),
    aborted: false,
  };
}

export function emptyStats(): HostStats {
  return { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
}

export function bump(state: RunState, host: string, key: keyof HostStats): void {
  const stats = state.stats.get(host) ?? emptyStats();
  stats[key] += 1;
  state.stats.set(host, stats);
}

export function setHostFacts(state: RunState, host: string, values: Record<string, unknown>): void {
  state.hostFacts.set(host, { ...(state.hostFacts.get(host) ?? {}), ...values });
}

/** Ansible's exit codes: 4 when a host was unreachable, 2 when one failed, else 0. */
export function exitCodeOf(state: RunState): number {
  if (state.unreachable.size > 0) return 4;
  if (state.failed.size > 0 || state.aborted) return 2;
  return 0;
}
