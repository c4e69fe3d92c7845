import { FULL_WEIGHT } from './config-steering.js';
import type { DaemonState, ObservedServer } from './types.js';
import { serverKey } from './types.js';

/**
 * How often the paths are probed. A handshake per path every interval was nearly all of an idle
 * ingress daemon's CPU, while HAProxy's own checks make the same mTLS handshakes to the same
 * paths anyway. So a calm node (every path up at full weight, HAProxy's checks clean) probes
 * every `quietIntervalMs`; any sign of trouble from either side (a failed or slow probe or check,
 * a server DOWN, a stale HAProxy reading) brings back probing at `intervalMs` for the whole
 * quality window, for every path at once, so steering compares paths on equal evidence.
 */
export interface PaceState {
  /** Probing at full rate until then (at least), after the last sign of trouble. */
  watchfulUntilMs: number;
  /** Why the node was last made watchful. */
  reason: string;
  lastProbeAtMs: number | null;
  haproxyReadAtMs: number | null;
}

export function newPace(): PaceState {
  return { watchfulUntilMs: 0, reason: 'starting', lastProbeAtMs: null, haproxyReadAtMs: null };
}

/**
 * A probe or check slower than the fastest WAN by this much is a sign of trouble: steering's
 * own threshold, as a busy host's jitter alone passes a smaller margin (recoverMs) all the time.
 */
function slowMarginMs(state: DaemonState): number {
  return state.config.steering.degradeMs;
}

export function alarm(state: DaemonState, nowMs: number, reason: string): DaemonState {
  const watchfulUntilMs = nowMs + state.config.steering.windowMs;
  if (watchfulUntilMs <= state.pace.watchfulUntilMs) return state;
  return { ...state, pace: { ...state.pace, watchfulUntilMs, reason } };
}

/** Why the node is not calm now, or null when it is. */
export function unrest(state: DaemonState, nowMs: number): string | null {
  const { config, pace } = state;
  if (config.probe.quietIntervalMs <= config.probe.intervalMs) return 'quiet probing off';
  if (nowMs < pace.watchfulUntilMs) return pace.reason;
  const staleMs = 3 * Math.max(config.haproxyIntervalMs, config.probe.intervalMs);
  if (pace.haproxyReadAtMs === null || nowMs - pace.haproxyReadAtMs > staleMs)
    return 'no recent HAProxy reading';
  for (const path of config.paths) {
    if (state.paths[path.name]?.up !== true) return `path ${path.name} not up`;
    const steer = state.steering[path.name];
    if (steer && (steer.weight !== FULL_WEIGHT || steer.badSinceMs !== null))
      return `path ${path.name} steered`;
    for (const backend of path.backends) {
      const seen = state.haproxy?.[serverKey(backend, path.server)];
      if (!seen || seen.checkFails === undefined) return `no check of ${backend}/${path.server}`;
    }
  }
  return null;
}

/** Whether the probe timer should probe now: always when watchful, else once per quiet interval. */
export function probeDue(state: DaemonState, nowMs: number): boolean {
  const last = state.pace.lastProbeAtMs;
  if (last === null || unrest(state, nowMs) !== null) return true;
  // Less the jitter: a quiet round must not slip a whole interval behind.
  return nowMs - last >= state.config.probe.quietIntervalMs - state.config.probe.jitterMs;
}

/**
 * When the probe timer next fires: a calm node sleeps until its quiet round is due, instead of
 * waking every interval only to find it is not; `hastenProbes` brings it back at any trouble.
 */
export function nextProbeAtMs(state: DaemonState, nowMs: number): number {
  const { intervalMs, quietIntervalMs } = state.config.probe;
  const soonest = nowMs + intervalMs;
  const last = state.pace.lastProbeAtMs;
  if (last === null || unrest(state, nowMs) !== null) return soonest;
  return Math.max(soonest, last + quietIntervalMs);
}

/** On a tick: trouble while the probe timer sleeps for the quiet round wakes it for the next interval. */
export function hastenProbes(state: DaemonState, nowMs: number): DaemonState {
  const last = state.pace.lastProbeAtMs ?? nowMs;
  const soonestMs = Math.max(nowMs, last + state.config.probe.intervalMs);
  if (state.timers.probe <= soonestMs || unrest(state, nowMs) === null) return state;
  return { ...state, timers: { ...state.timers, probe: soonestMs } };
}

/** A failed probe, or a WAN probe slower than the fastest WAN's average by the margin. */
export function probeAlarm(
  state: DaemonState,
  probe: { path: string; ok: boolean; rttMs?: number; reason?: string },
  nowMs: number,
): DaemonState {
  if (!probe.ok) return alarm(state, nowMs, `probe of ${probe.path} failed: ${probe.reason ?? 'no answer'}`);
  const wans = new Set(state.config.paths.filter((p) => p.kind === 'wan').map((p) => p.name));
  if (!wans.has(probe.path) || probe.rttMs === undefined) return state;
  const rtts = Object.values(state.paths)
    .filter((p) => wans.has(p.name) && p.rttEwmaMs !== null)
    .map((p) => p.rttEwmaMs as number);
  const best = Math.min(...rtts);
  if (rtts.length > 0 && probe.rttMs - best >= slowMarginMs(state))
    return alarm(state, nowMs, `probe of ${probe.path} took ${Math.round(probe.rttMs)} ms`);
  return state;
}

/** What one server's reading says is wrong, if anything. */
function serverTrouble(
  key: string,
  now: ObservedServer,
  was: ObservedServer | undefined,
  slowAboveMs: number | null,
): string | null {
  if (!now.operational) return `HAProxy holds ${key} down`;
  if (now.checkFails !== undefined && was?.checkFails !== undefined && now.checkFails > was.checkFails)
    return `HAProxy's check of ${key} failed`;
  if (slowAboveMs !== null && (now.checkDurationMs ?? 0) >= slowAboveMs)
    return `HAProxy's check of ${key} took ${now.checkDurationMs} ms`;
  return null;
}

/** HAProxy's checks since the last reading: a server not UP, a failed check, or a slow WAN check. */
export function checksAlarm(
  state: DaemonState,
  before: Readonly<Record<string, ObservedServer>> | null,
  nowMs: number,
): DaemonState {
  let next: DaemonState = { ...state, pace: { ...state.pace, haproxyReadAtMs: nowMs } };
  const servers = state.haproxy ?? {};
  const wanKeys = state.config.paths
    .filter((p) => p.kind === 'wan')
    .flatMap((p) => p.backends.map((b) => serverKey(b, p.server)));
  const slowAboveMs =
    Math.min(...wanKeys.flatMap((k) => servers[k]?.checkDurationMs ?? [])) + slowMarginMs(state);
  for (const path of state.config.paths) {
    for (const key of path.backends.map((b) => serverKey(b, path.server))) {
      const now = servers[key];
      const why = now && serverTrouble(key, now, before?.[key], wanKeys.includes(key) ? slowAboveMs : null);
      if (why) next = alarm(next, nowMs, why);
    }
  }
  return next;
}
