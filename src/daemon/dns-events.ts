import { rejectAnswer, refreshResolved } from './allow-set.js';
import type { DaemonState, DaemonEvent, Effect } from './types.js';
import { log, metric, recordKey } from './types.js';
import { refreshDelayMs } from './timers.js';

const DNS_RETRY_MS = 2000;

type Observed = Extract<DaemonEvent, { type: 'dns-observed' }>;
type Result = Extract<DaemonEvent, { type: 'dns-result' }>;
type Step = { state: DaemonState; effects: Effect[] };

function isIngressName(state: DaemonState, name: string): boolean {
  return state.config.firewall?.ingressNames.includes(name) ?? false;
}

/** Failed reads change nothing: the last known good records (and allow-set) stay. */
function observeFailed(state: DaemonState, event: Extract<Observed, { ok: false }>, nowMs: number): Step {
  const fw = state.config.firewall;
  const ingress = event.names.filter((name) => isIngressName(state, name));
  if (!fw || ingress.length === 0) {
    const fields = { names: event.names, error: event.error };
    return { state, effects: [log('warn', 'DNS read failed; keeping last known good', fields)] };
  }
  // Retry sooner than a full TTL, but no sooner than the floor.
  const timers = { ...state.timers, resolve: nowMs + fw.minTtlS * 1000 };
  const cause = { kind: 'read-failed', detail: event.error } as const;
  return rejectAnswer({ ...state, timers }, ingress.join(' '), cause, nowMs);
}

export function applyDnsObserved(state: DaemonState, event: Observed, nowMs: number): Step {
  if (!event.ok) return observeFailed(state, event, nowMs);
  const records = { ...state.records };
  for (const record of event.records) {
    // A record with a replace in flight is settled by its result, not by a read that may predate it.
    if (state.dnsPending[recordKey(record.name, record.type)] !== undefined) continue;
    records[recordKey(record.name, record.type)] = [...record.addresses].sort();
  }
  let next: DaemonState = { ...state, records };
  const fw = state.config.firewall;
  const ingress = event.records.filter((r) => isIngressName(state, r.name));
  if (!fw || ingress.length === 0) return { state: next, effects: [] };
  const ttlS = Math.min(...ingress.map((r) => r.ttlS));
  next = {
    ...next,
    timers: { ...next.timers, resolve: nowMs + refreshDelayMs(ttlS, fw.minTtlS, fw.maxTtlS) },
  };
  return refreshResolved(next, fw, nowMs);
}

export function applyDnsResult(state: DaemonState, event: Result, nowMs: number): Step {
  const key = recordKey(event.name, event.rrtype);
  const dnsPending = { ...state.dnsPending };
  delete dnsPending[key];
  if (event.ok) {
    const records = { ...state.records, [key]: [...event.wanted].sort() };
    return {
      state: { ...state, records, dnsPending },
      effects: [
        log('info', 'DNS record replaced', { name: event.name, type: event.rrtype, addresses: event.wanted }),
        metric('dns_updates_total', 1, { result: 'ok' }, 'inc'),
      ],
    };
  }
  // Most failures are a lost compare-and-set race: read again and recompute from the fresh records.
  return {
    state: { ...state, dnsPending, dnsRetryAtMs: nowMs + DNS_RETRY_MS },
    effects: [
      log('warn', 'DNS update failed', {
        name: event.name,
        type: event.rrtype,
        error: event.error ?? 'unknown',
      }),
      metric('dns_updates_total', 1, { result: 'error' }, 'inc'),
      { kind: 'dnsRead', names: [event.name], types: [event.rrtype] },
    ],
  };
}

type CertRead = Extract<DaemonEvent, { type: 'cert-read' }>;

export function applyCertRead(state: DaemonState, event: CertRead, nowMs: number): Step {
  if (event.notAfterMs === null) {
    return {
      state,
      effects: [log('error', 'cannot read certificate', { path: event.path, error: event.error })],
    };
  }
  const leftS = (event.notAfterMs - nowMs) / 1000;
  const effects: Effect[] = [metric('cert_expiry_seconds', leftS, { path: event.path })];
  const warnDays = state.config.certificates.find((c) => c.path === event.path)?.warnDays ?? 14;
  const daysLeft = leftS / 86_400;
  if (daysLeft < warnDays) {
    effects.push(
      log('warn', 'certificate expires soon', { path: event.path, daysLeft: Math.floor(daysLeft) }),
    );
  }
  return {
    state: { ...state, certNotAfterMs: { ...state.certNotAfterMs, [event.path]: event.notAfterMs } },
    effects,
  };
}
