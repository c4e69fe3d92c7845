import { isIP } from 'node:net';
import { deadByQuorum } from './peers.js';
import type { DaemonState, Effect, RrType } from './types.js';
import { log, recordKey, sameSet, sortedUnique } from './types.js';

export function rrTypeOf(address: string): RrType {
  return isIP(address) === 6 ? 'AAAA' : 'A';
}

function ofType(addresses: readonly string[], type: RrType): string[] {
  return addresses.filter((address) => rrTypeOf(address) === type);
}

/** Make before break: with a local proxy configured, an address is published only once it allows it. */
function allowedToAdd(state: DaemonState, address: string): boolean {
  if (state.config.localProxyStatusUrl === undefined) return true;
  return state.allowedUpstream?.includes(address) ?? false;
}

interface Wanted {
  addresses: string[];
  refusedLast: boolean;
}

/** Start from what the server holds and change only the addresses we speak for. */
export function wantedRecords(state: DaemonState, type: RrType, observed: readonly string[]): Wanted {
  const set = new Set(observed);
  const add = (address: string): void => {
    if (allowedToAdd(state, address)) set.add(address);
  };
  const own = ofType(state.config.dns.addresses, type);
  if (state.serving === true) own.forEach(add);
  if (state.serving === false) own.forEach((address) => set.delete(address));
  if (state.config.mode === 'ingress') {
    for (const peer of state.config.peers) {
      const view = state.peers[peer.name];
      const addresses = ofType(peer.addresses, type);
      if (deadByQuorum(state, peer.name)) addresses.forEach((address) => set.delete(address));
      else if (view?.alive && view.serving && view.lastSeenMs !== null) addresses.forEach(add);
    }
  }
  // An empty name sends every client nowhere; a stale record at least reaches a node.
  if (set.size === 0 && observed.length > 0) return { addresses: sortedUnique(observed), refusedLast: true };
  return { addresses: sortedUnique(set), refusedLast: false };
}

/** One compare-and-set replace per record whose wanted set differs from the observed one. */
export function reconcileDns(state: DaemonState, nowMs: number): { state: DaemonState; effects: Effect[] } {
  if (nowMs < state.dnsRetryAtMs) return { state, effects: [] };
  const effects: Effect[] = [];
  const dnsPending = { ...state.dnsPending };
  const refusedLast: string[] = [];
  for (const name of state.config.dns.names) {
    for (const type of ['A', 'AAAA'] as const) {
      const key = recordKey(name, type);
      const observed = state.records[key];
      if (observed === undefined || dnsPending[key] !== undefined) continue;
      const wanted = wantedRecords(state, type, observed);
      if (wanted.refusedLast) refusedLast.push(key);
      // Warn once when the refusal starts, not on every event while it lasts.
      if (wanted.refusedLast && !state.refusedLast.includes(key)) {
        effects.push(log('warn', 'refusing to remove the last record', { name, type, kept: observed }));
      }
      if (sameSet(wanted.addresses, observed)) continue;
      effects.push({
        kind: 'dnsReplace',
        name,
        type,
        expected: sortedUnique(observed),
        wanted: wanted.addresses,
      });
      dnsPending[key] = wanted.addresses;
    }
  }
  return { state: { ...state, dnsPending, refusedLast }, effects };
}
