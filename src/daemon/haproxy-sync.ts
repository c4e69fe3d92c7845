import type { PathConfig } from './config.js';
import type { AdminState, DaemonState, Effect, ObservedServer } from './types.js';
import { log, metric, serverKey } from './types.js';

/** A path is usable when our probes say up and HAProxy's own checks do not say down. */
export function pathUsable(state: DaemonState, path: PathConfig): boolean | null {
  const up = state.paths[path.name]?.up ?? null;
  const observed = state.haproxy?.[serverKey(path.backend, path.server)];
  if (up === true && observed && !observed.operational) return false;
  return up;
}

/** True only when every WAN path is known to be down: the one case the mesh backup is enabled. */
export function allWansDown(state: DaemonState): boolean {
  const wans = state.config.paths.filter((path) => path.kind === 'wan');
  return wans.length > 0 && wans.every((path) => pathUsable(state, path) === false);
}

/**
 * The mesh server keeps HAProxy's `backup` flag, so the data plane uses it only once every WAN server
 * is DOWN by HAProxy's own checks: failover must not depend on this daemon being alive. We drain it
 * only when our probes say the mesh path itself is down (HAProxy's check agrees then anyway).
 */
function wantedAdmin(state: DaemonState, path: PathConfig): AdminState | null {
  const up = state.paths[path.name]?.up ?? null;
  if (up === null) return null;
  // drain, not maint: HAProxy keeps checking a drained server, so its own verdict stays current.
  return up ? 'ready' : 'drain';
}

/** Counts the data plane's switches to the mesh and back, as our probes and HAProxy's checks see them. */
export function failoverEffects(before: DaemonState, after: DaemonState): Effect[] {
  const was = allWansDown(before);
  const is = allWansDown(after);
  if (was === is) return [];
  const to = is ? 'mesh' : 'wan';
  return [
    metric('failovers_total', 1, { to }, 'inc'),
    log(is ? 'warn' : 'info', `traffic fails over to ${to}`, { node: after.config.node }),
  ];
}

interface ServerPlan {
  effects: Effect[];
  observed: ObservedServer;
}

function planServer(
  state: DaemonState,
  path: PathConfig,
  backend: string,
  observed: ObservedServer,
): ServerPlan {
  const { server } = path;
  const wanted = wantedAdmin(state, path);
  // An operator's maint is theirs; and a server HAProxy's checks hold DOWN is not pushed back in.
  if (wanted === null || observed.admin === 'maint') return { effects: [], observed };
  if (wanted === 'ready' && !observed.operational && path.kind === 'wan') return { effects: [], observed };
  const effects: Effect[] = [];
  let next = observed;
  if (wanted !== observed.admin) {
    effects.push({ kind: 'setServerState', backend, server, state: wanted });
    effects.push(log('info', 'haproxy server state', { backend, server, from: observed.admin, to: wanted }));
    next = { ...next, admin: wanted };
  }
  // Steering moves a weight up only after its dwell time and down only during a proven bad spell
  // (never back up within it), so following it exactly cannot churn HAProxy.
  const weight = state.steering[path.name]?.weight;
  if (path.kind === 'wan' && wanted === 'ready' && weight !== undefined && weight !== observed.weight) {
    effects.push({ kind: 'setServerWeight', backend, server, weight });
    next = { ...next, weight };
  }
  return { effects, observed: next };
}

/** Effects only where what we want differs from what HAProxy reported; nothing before the first read. */
export function reconcileHaproxy(state: DaemonState): { state: DaemonState; effects: Effect[] } {
  if (state.haproxy === null) return { state, effects: [] };
  const servers = { ...state.haproxy };
  const effects: Effect[] = [];
  for (const path of state.config.paths) {
    for (const backend of path.backends) {
      const key = serverKey(backend, path.server);
      const observed = servers[key];
      if (!observed) continue;
      const plan = planServer(state, path, backend, observed);
      effects.push(...plan.effects);
      // Assume the command lands; the next `show servers state` read corrects us if not.
      servers[key] = plan.observed;
    }
  }
  return { state: { ...state, haproxy: servers }, effects };
}
