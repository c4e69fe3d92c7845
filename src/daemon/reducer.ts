import { applyFirewallResult, reconcileFirewall } from './allow-set.js';
import type { DaemonConfig } from './config.js';
import { applyCertRead, applyDnsObserved, applyDnsResult } from './dns-events.js';
import { reconcileDns } from './dns-records.js';
import { failoverEffects, reconcileHaproxy } from './haproxy-sync.js';
import { applyProbe, evaluate, newPathState } from './path-health.js';
import type { PathUpdate } from './path-health.js';
import { applyPeerReport, newPeerState } from './peers.js';
import {
  initialSteering,
  qualityMetrics,
  recordProbe,
  restartAfterHold,
  steerPaths,
} from './path-steering.js';
import { checksAlarm, hastenProbes, newPace, probeAlarm } from './probe-pace.js';
import { appendTimeline } from './timeline.js';
import { fireTimers } from './timers.js';
import type { DaemonEvent, DaemonState, Effect, StepResult, TimelineEntry } from './types.js';
import { log, sortedUnique } from './types.js';

export function initialState(config: DaemonConfig, seed = 1): DaemonState {
  return {
    config,
    paths: Object.fromEntries(config.paths.map((p) => [p.name, newPathState(p.name)])),
    steering: initialSteering({ config }),
    haproxy: null,
    pace: newPace(),
    // The witness is watched like a peer (its vote counts only while it is alive) but is never a target.
    peers: Object.fromEntries(
      [...config.peers, ...(config.witness ? [config.witness] : [])].map((p) => [
        p.name,
        newPeerState(p.name),
      ]),
    ),
    records: {},
    dnsPending: {},
    dnsRetryAtMs: 0,
    refusedLast: [],
    allowedUpstream: null,
    firewall: { resolved: null, confirmed: null, pending: null, retryAtMs: 0, rejected: null },
    serving: null,
    timers: { probe: 0, haproxy: 0, peers: 0, dnsRead: 0, resolve: 0, certs: 0 },
    certNotAfterMs: {},
    rng: seed,
    timeline: [],
  };
}

/** The whole daemon's decision making: one event in, new state and the effects to run out. */
export function step(state: DaemonState, event: DaemonEvent, nowMs: number): StepResult {
  const applied = applyEvent(state, event, nowMs);
  const result = reconcile(applied.state, applied.effects, nowMs);
  return { state: result.state, effects: [...result.effects, ...failoverEffects(state, result.state)] };
}

function applyEvent(state: DaemonState, event: DaemonEvent, nowMs: number): StepResult {
  switch (event.type) {
    case 'probe':
      return onProbe(state, event, nowMs);
    case 'haproxy-state':
      return {
        state: checksAlarm({ ...state, haproxy: { ...event.servers } }, state.haproxy, nowMs),
        effects: [],
      };
    case 'peer-status':
      return onPeerStatus(state, event, nowMs);
    case 'upstream-allow':
      // An unreachable local proxy leaves the last confirmed set in force.
      return event.ok
        ? { state: { ...state, allowedUpstream: sortedUnique(event.addresses) }, effects: [] }
        : { state, effects: [] };
    case 'dns-observed':
      return applyDnsObserved(state, event, nowMs);
    case 'dns-result':
      return applyDnsResult(state, event, nowMs);
    case 'firewall-result':
      return applyFirewallResult(state, event, nowMs);
    case 'cert-read':
      return applyCertRead(state, event, nowMs);
    case 'tick':
      return onTick(state, nowMs);
  }
}

function withPath(state: DaemonState, update: PathUpdate): StepResult {
  const paths = { ...state.paths, [update.path.name]: update.path };
  return {
    state: { ...state, paths, timeline: addChange(state.timeline, update.change) },
    effects: update.effects,
  };
}

function addChange(timeline: readonly TimelineEntry[], change: TimelineEntry | null): TimelineEntry[] {
  return change ? appendTimeline(timeline, change) : [...timeline];
}

function onProbe(
  state: DaemonState,
  event: Extract<DaemonEvent, { type: 'probe' }>,
  nowMs: number,
): StepResult {
  const path = state.paths[event.path];
  if (!path)
    return { state, effects: [log('warn', 'probe result for an unknown path', { path: event.path })] };
  const update = applyProbe(path, event, state.config.probe, nowMs);
  const windowMs = state.config.steering.windowMs;
  const next = withPath(probeAlarm(state, event, nowMs), {
    ...update,
    path: recordProbe(path, update.path, event, windowMs, nowMs),
  });
  const restarted = restartAfterHold(next.state, path, update.path, nowMs);
  const metrics = qualityMetrics(restarted.state, path.name, nowMs);
  return { state: restarted.state, effects: [...next.effects, ...restarted.effects, ...metrics] };
}

function onPeerStatus(
  state: DaemonState,
  event: Extract<DaemonEvent, { type: 'peer-status' }>,
  nowMs: number,
): StepResult {
  const peer = state.peers[event.peer];
  if (!peer) return { state, effects: [log('warn', 'status from an unknown peer', { peer: event.peer })] };
  const role = state.config.witness?.name === peer.name ? 'witness' : 'peer';
  const update = applyPeerReport(peer, event, state.config.probe, nowMs, role);
  const peers = { ...state.peers, [peer.name]: update.peer };
  return {
    state: { ...state, peers, timeline: addChange(state.timeline, update.change) },
    effects: update.effects,
  };
}

/**
 * Timers fire (trouble seen since the last tick wakes the probe timer first), and paths are
 * re-judged so an expired hold-down lets a healthy path back.
 */
function onTick(state: DaemonState, nowMs: number): StepResult {
  let current = state;
  const effects: Effect[] = [];
  for (const path of Object.values(state.paths)) {
    const update = evaluate(path, state.config.probe, nowMs, 'hold-down expired');
    if (update.path === path) continue;
    const next = withPath(current, update);
    const restarted = restartAfterHold(next.state, path, update.path, nowMs);
    current = restarted.state;
    effects.push(...next.effects, ...restarted.effects);
  }
  const fired = fireTimers(hastenProbes(current, nowMs), nowMs);
  return { state: fired.state, effects: [...effects, ...fired.effects] };
}

/** Derived decisions after every event: serving state, HAProxy, DNS, firewall. */
function reconcile(state: DaemonState, effects: Effect[], nowMs: number): StepResult {
  const serving = servingOf(state, nowMs);
  const steered = steerPaths(serving.state, nowMs);
  const haproxy = reconcileHaproxy(steered.state);
  const firewall = reconcileFirewall(haproxy.state, nowMs);
  const dns = reconcileDns(firewall.state, nowMs);
  return {
    state: dns.state,
    effects: [
      ...effects,
      ...serving.effects,
      ...steered.effects,
      ...haproxy.effects,
      ...firewall.effects,
      ...dns.effects,
    ],
  };
}

/** Serving while any path is up; withdrawn once every path is known down; undecided before that. */
function servingOf(state: DaemonState, nowMs: number): StepResult {
  const paths = Object.values(state.paths);
  const serving =
    paths.length === 0
      ? true
      : paths.some((p) => p.up === true)
        ? true
        : paths.every((p) => p.up === false)
          ? false
          : null;
  if (serving === state.serving) return { state, effects: [] };
  const from = state.serving === null ? 'unknown' : state.serving ? 'serving' : 'withdrawn';
  const to = serving === null ? 'unknown' : serving ? 'serving' : 'withdrawn';
  const change: TimelineEntry = {
    atMs: nowMs,
    subject: `node ${state.config.node}`,
    from,
    to,
    reason: 'path states',
  };
  return {
    state: { ...state, serving, timeline: appendTimeline(state.timeline, change) },
    effects: [log(serving ? 'info' : 'warn', `node ${to}`, { node: state.config.node })],
  };
}
