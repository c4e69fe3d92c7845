import { screenName } from './allow-screen.js';
import type { FirewallConfig } from './config.js';
import type { DaemonState, Effect } from './types.js';
import { log, metric, recordKey, sameSet, sortedUnique } from './types.js';

const FIREWALL_RETRY_MS = 5000;

function addressesOf(state: DaemonState, names: readonly string[]): string[] | null {
  const all: string[] = [];
  for (const name of names) {
    for (const type of ['A', 'AAAA'] as const) {
      const found = state.records[recordKey(name, type)];
      if (found === undefined) return null;
      all.push(...found);
    }
  }
  return sortedUnique(all);
}

type Step = { state: DaemonState; effects: Effect[] };

/** A refused answer: logged, counted, shown in /status; the last known good set stays. */
export function rejectAnswer(
  state: DaemonState,
  name: string,
  cause: { kind: 'too-many-addresses' | 'read-failed'; detail: string },
  nowMs: number,
): Step {
  const reason = `${cause.kind}: ${cause.detail}`;
  const rejected = { name, reason, atMs: nowMs };
  return {
    state: { ...state, firewall: { ...state.firewall, rejected } },
    effects: [
      log('warn', 'DNS answer for an ingress name refused; keeping last known good', { name, reason }),
      metric('dns_answers_rejected_total', 1, { name, reason: cause.kind }, 'inc'),
    ],
  };
}

/** The ingress names' addresses that may be admitted, or why the answer is refused. */
function screenIngress(
  state: DaemonState,
  fw: FirewallConfig,
): { addresses: string[]; effects: Effect[] } | { rejected: { name: string; reason: string } } | null {
  const addresses: string[] = [];
  const effects: Effect[] = [];
  for (const name of fw.ingressNames) {
    const found = addressesOf(state, [name]);
    if (found === null) return null;
    const screened = screenName(found, fw.maxAddressesPerName);
    if (screened.rejected) return { rejected: { name, reason: screened.rejected } };
    for (const { address, reason } of screened.dropped) {
      effects.push(
        log('warn', 'address from DNS never admitted to the allow-set', { name, address, reason }),
        metric('dns_answers_rejected_total', 1, { name, reason }, 'inc'),
      );
    }
    addresses.push(...screened.kept);
  }
  return { addresses: sortedUnique(addresses), effects };
}

/**
 * After a successful read of the ingress names: the new last known good set, screened. A read
 * that left nothing at all would lock every ingress node out, so it is treated like a failure.
 */
export function refreshResolved(state: DaemonState, fw: FirewallConfig, nowMs: number): Step {
  const screened = screenIngress(state, fw);
  if (screened === null) return { state, effects: [] };
  if ('rejected' in screened) {
    const { name, reason } = screened.rejected;
    return rejectAnswer(state, name, { kind: 'too-many-addresses', detail: reason }, nowMs);
  }
  const { addresses: resolved, effects } = screened;
  if (resolved.length === 0) {
    return {
      state,
      effects: [...effects, log('warn', 'ingress names resolved to nothing; keeping last known good', {})],
    };
  }
  return { state: { ...state, firewall: { ...state.firewall, resolved, rejected: null } }, effects };
}

/** Resolved ingress addresses, plus confirmed ones still published: DNS must drop them first. */
export function wantedAllowSet(state: DaemonState, fw: FirewallConfig): string[] | null {
  const { resolved, confirmed } = state.firewall;
  if (resolved === null) return null;
  const published = new Set(addressesOf(state, fw.publishedNames) ?? confirmed ?? []);
  const lingering = (confirmed ?? []).filter((address) => published.has(address));
  return sortedUnique([...resolved, ...lingering]);
}

/** One atomic replace when the wanted set differs from what the kernel holds; one at a time. */
export function reconcileFirewall(
  state: DaemonState,
  nowMs: number,
): { state: DaemonState; effects: Effect[] } {
  const fw = state.config.firewall;
  if (!fw || state.firewall.pending !== null || nowMs < state.firewall.retryAtMs)
    return { state, effects: [] };
  const wanted = wantedAllowSet(state, fw);
  if (wanted === null) return { state, effects: [] };
  if (state.firewall.confirmed !== null && sameSet(wanted, state.firewall.confirmed))
    return { state, effects: [] };
  const effects: Effect[] = [
    { kind: 'firewallReplace', table: fw.table, setV4: fw.setV4, setV6: fw.setV6, addresses: wanted },
    log('info', 'replacing firewall allow-set', { before: state.firewall.confirmed, after: wanted }),
  ];
  return { state: { ...state, firewall: { ...state.firewall, pending: wanted } }, effects };
}

export function applyFirewallResult(
  state: DaemonState,
  event: { ok: boolean; addresses: string[]; error?: string },
  nowMs: number,
): { state: DaemonState; effects: Effect[] } {
  if (!event.ok) {
    // The kernel keeps its previous set; we retry later rather than in a tight loop.
    const firewall = { ...state.firewall, pending: null, retryAtMs: nowMs + FIREWALL_RETRY_MS };
    return {
      state: { ...state, firewall },
      effects: [
        log('error', 'firewall update failed', { error: event.error ?? 'unknown' }),
        metric('firewall_updates_total', 1, { result: 'error' }, 'inc'),
      ],
    };
  }
  const confirmed = sortedUnique(event.addresses);
  const wasUpdate = state.firewall.pending !== null;
  const effects: Effect[] = [metric('firewall_set_size', confirmed.length)];
  if (wasUpdate) effects.push(metric('firewall_updates_total', 1, { result: 'ok' }, 'inc'));
  return { state: { ...state, firewall: { ...state.firewall, confirmed, pending: null } }, effects };
}
