import type { DaemonState, Effect, PeerState, TimelineEntry } from './types.js';
import { log } from './types.js';

export function newPeerState(name: string): PeerState {
  // Presumed alive until proven otherwise: a restart must never remove anyone.
  return { name, alive: true, okStreak: 0, failStreak: 0, deadPeers: [], serving: true, lastSeenMs: null };
}

export interface PeerReport {
  ok: boolean;
  serving?: boolean;
  deadPeers?: string[];
  reason?: string;
}

export interface PeerUpdate {
  peer: PeerState;
  effects: Effect[];
  change: TimelineEntry | null;
}

/** A peer is dead to us after `fall` bad reports (unreachable or not serving), alive after `rise` good ones. */
export function applyPeerReport(
  peer: PeerState,
  report: PeerReport,
  thresholds: { rise: number; fall: number },
  nowMs: number,
  role: 'peer' | 'witness' = 'peer',
): PeerUpdate {
  const good = report.ok && report.serving !== false;
  let next: PeerState = {
    ...peer,
    okStreak: good ? peer.okStreak + 1 : 0,
    failStreak: good ? 0 : peer.failStreak + 1,
  };
  if (report.ok) {
    next = { ...next, lastSeenMs: nowMs, serving: report.serving ?? true, deadPeers: report.deadPeers ?? [] };
  }
  const flip =
    (next.alive && next.failStreak >= thresholds.fall) || (!next.alive && next.okStreak >= thresholds.rise);
  if (!flip) return { peer: next, effects: [], change: null };
  const alive = !next.alive;
  const reason = alive
    ? 'reports serving again'
    : (report.reason ?? (report.ok ? 'not serving' : 'unreachable'));
  const to = alive ? 'alive' : 'dead';
  return {
    peer: { ...next, alive },
    effects: [log(alive ? 'info' : 'warn', `${role} ${to}`, { [role]: peer.name, reason })],
    change: { atMs: nowMs, subject: `${role} ${peer.name}`, from: alive ? 'dead' : 'alive', to, reason },
  };
}

/**
 * Votes that `target` is dead: ours, plus every live voter other than the target that says so.
 * Voters are the other ingress nodes and the witness (the local proxy's daemon); a voter we hold
 * dead does not count, so an isolated node is left with its own vote alone.
 */
export function deadVotes(state: DaemonState, target: string): number {
  const own = state.peers[target]?.alive === false ? 1 : 0;
  const others = Object.values(state.peers).filter(
    (p) => p.name !== target && p.alive && p.deadPeers.includes(target),
  ).length;
  return own + others;
}

/** A peer's records may go only when a quorum of live voters (ingress nodes and witness, us included) agree it is dead. */
export function deadByQuorum(state: DaemonState, target: string): boolean {
  return deadVotes(state, target) >= state.config.quorum;
}

/** The ingress nodes we hold dead; published in our status as our vote (the witness is not votable). */
export function deadPeerNames(state: DaemonState): string[] {
  return state.config.peers
    .filter((p) => state.peers[p.name]?.alive === false)
    .map((p) => p.name)
    .sort();
}
