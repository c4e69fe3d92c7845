import type { DnsClient } from '../dns/client.js';
import { planAllowSets } from '../firewall/plan.js';
import type { AllowSetTarget } from '../firewall/plan.js';
import type { HaproxyRuntime } from '../haproxy/runtime.js';
import type { DaemonConfig } from './config.js';
import type { AdminState, DaemonEvent, Effect, LogLevel, ObservedServer, RrType } from './types.js';
import { serverKey } from './types.js';

/** Everything the daemon touches, as narrow ports so the interpreter runs against fakes too. */
export interface DaemonPorts {
  probe(
    address: string,
    port: number,
    timeoutMs: number,
  ): Promise<{ ok: boolean; rttMs?: number; reason?: string }>;
  haproxy: Pick<HaproxyRuntime, 'showServersAndChecks' | 'setServerState' | 'setServerWeight'>;
  dns: DnsPort;
  firewall: FirewallPort;
  /** GET a peer's JSON status; throws when unreachable. */
  fetchStatus(url: string): Promise<{ serving: boolean; deadPeers: string[]; allowSet: string[] | null }>;
  readCertNotAfterMs(path: string): Promise<number>;
  metric(effect: Extract<Effect, { kind: 'metric' }>): void;
  log(level: LogLevel, msg: string, fields: Record<string, unknown>): void;
}

export interface DnsPort {
  read(name: string, type: RrType): Promise<{ addresses: string[]; ttlS: number }>;
  /** Makes the RRset `wanted` only if it still holds `expected`; 'conflict' otherwise. */
  compareAndSet(name: string, type: RrType, expected: string[], wanted: string[]): Promise<'ok' | 'conflict'>;
}

export interface FirewallPort {
  /** Runs one `nft -f` script. */
  apply(script: string): Promise<void>;
  /** Current elements of one set. */
  read(target: AllowSetTarget, set: string): Promise<string[]>;
}

/** Adapts src/dns's client: the reducer's expectation becomes the UPDATE's prerequisite, in one message. */
export function dnsPortFromClient(client: DnsClient, ttlS: number): DnsPort {
  return {
    read: async (name, type) => {
      const answer = await client.getRrset(name, type);
      return { addresses: answer.addresses, ttlS: answer.ttlS };
    },
    compareAndSet: async (name, type, expected, wanted) => {
      const outcome = await client.compareAndSet(name, type, expected, wanted, ttlS);
      return outcome.status === 'ok' ? 'ok' : 'conflict';
    },
  };
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Counters from `show stat` must be whole numbers; anything else is left out (no check data). */
function statCount(value: string | undefined): number | undefined {
  return value !== undefined && /^\d{1,15}$/.test(value) ? Number(value) : undefined;
}

async function readHaproxy(ports: DaemonPorts): Promise<DaemonEvent[]> {
  // Without the checks' counters the node only stays watchful (probe-pace.ts).
  const { servers: rows, checks: stats } = await ports.haproxy.showServersAndChecks();
  const checks = new Map(stats.map((s) => [serverKey(s.pxname ?? '', s.svname ?? ''), s]));
  const servers: Record<string, ObservedServer> = {};
  for (const row of rows) {
    const key = serverKey(row.backend, row.server);
    const stat = checks.get(key);
    const checkFails = statCount(stat?.chkfail);
    const checkDurationMs = statCount(stat?.check_duration);
    servers[key] = {
      admin: row.admin,
      operational: row.operational,
      weight: row.weight,
      ...(checkFails !== undefined && checkDurationMs !== undefined ? { checkFails, checkDurationMs } : {}),
    };
  }
  return [{ type: 'haproxy-state', servers }];
}

async function dnsRead(ports: DaemonPorts, names: string[], types: RrType[]): Promise<DaemonEvent[]> {
  const records: Extract<DaemonEvent, { type: 'dns-observed'; ok: true }>['records'] = [];
  try {
    for (const name of names) {
      for (const type of types) records.push({ name, type, ...(await ports.dns.read(name, type)) });
    }
  } catch (err) {
    // All or nothing: a partial answer would look like addresses that vanished.
    return [{ type: 'dns-observed', ok: false, names, error: message(err) }];
  }
  return [{ type: 'dns-observed', ok: true, records }];
}

async function dnsReplace(
  ports: DaemonPorts,
  e: Extract<Effect, { kind: 'dnsReplace' }>,
): Promise<DaemonEvent[]> {
  const base = { type: 'dns-result', name: e.name, rrtype: e.type, wanted: e.wanted } as const;
  try {
    const outcome = await ports.dns.compareAndSet(e.name, e.type, e.expected, e.wanted);
    return [
      outcome === 'ok' ? { ...base, ok: true } : { ...base, ok: false, error: 'records changed meanwhile' },
    ];
  } catch (err) {
    return [{ ...base, ok: false, error: message(err) }];
  }
}

async function firewallRead(ports: DaemonPorts, target: AllowSetTarget): Promise<DaemonEvent[]> {
  const v4 = await ports.firewall.read(target, target.setV4);
  const v6 = await ports.firewall.read(target, target.setV6);
  return [{ type: 'firewall-result', ok: true, addresses: [...v4, ...v6] }];
}

async function firewallReplace(
  ports: DaemonPorts,
  e: Extract<Effect, { kind: 'firewallReplace' }>,
): Promise<DaemonEvent[]> {
  const target: AllowSetTarget = { family: 'inet', table: e.table, setV4: e.setV4, setV6: e.setV6 };
  try {
    await ports.firewall.apply(planAllowSets(target, e.addresses));
    return [{ type: 'firewall-result', ok: true, addresses: e.addresses }];
  } catch (err) {
    return [{ type: 'firewall-result', ok: false, addresses: [], error: message(err) }];
  }
}

async function pollPeer(ports: DaemonPorts, peer: string, url: string): Promise<DaemonEvent[]> {
  try {
    const report = await ports.fetchStatus(url);
    return [{ type: 'peer-status', peer, ok: true, serving: report.serving, deadPeers: report.deadPeers }];
  } catch (err) {
    return [{ type: 'peer-status', peer, ok: false, reason: message(err) }];
  }
}

async function pollUpstream(ports: DaemonPorts, url: string): Promise<DaemonEvent[]> {
  try {
    const report = await ports.fetchStatus(url);
    return [{ type: 'upstream-allow', ok: report.allowSet !== null, addresses: report.allowSet ?? [] }];
  } catch {
    return [{ type: 'upstream-allow', ok: false, addresses: [] }];
  }
}

async function setServer(
  ports: DaemonPorts,
  backend: string,
  server: string,
  state: AdminState,
): Promise<DaemonEvent[]> {
  await ports.haproxy.setServerState(backend, server, state);
  return [];
}

/** Runs one effect; what it learned comes back as events for the reducer. Failures become events or logs. */
export async function runEffect(
  effect: Effect,
  ports: DaemonPorts,
  config: DaemonConfig,
): Promise<DaemonEvent[]> {
  try {
    return await dispatch(effect, ports, config);
  } catch (err) {
    ports.log('error', `effect ${effect.kind} failed`, { error: message(err) });
    // A failed HAProxy command leaves our assumed state wrong: read the truth back.
    return effect.kind === 'setServerState' || effect.kind === 'setServerWeight'
      ? readHaproxy(ports).catch(() => [])
      : [];
  }
}

async function dispatch(effect: Effect, ports: DaemonPorts, config: DaemonConfig): Promise<DaemonEvent[]> {
  switch (effect.kind) {
    case 'probe': {
      const result = await ports.probe(effect.address, effect.port, effect.timeoutMs);
      return [{ type: 'probe', path: effect.path, ...result }];
    }
    case 'readHaproxy':
      return readHaproxy(ports);
    case 'setServerState':
      return setServer(ports, effect.backend, effect.server, effect.state);
    case 'setServerWeight':
      await ports.haproxy.setServerWeight(effect.backend, effect.server, effect.weight);
      return [];
    case 'dnsRead':
      return dnsRead(ports, effect.names, effect.types);
    case 'dnsReplace':
      return dnsReplace(ports, effect);
    case 'firewallRead':
      return firewallRead(ports, {
        family: 'inet',
        table: effect.table,
        setV4: effect.setV4,
        setV6: effect.setV6,
      });
    case 'firewallReplace':
      return firewallReplace(ports, effect);
    case 'pollPeer':
      return pollPeer(ports, effect.peer, effect.url);
    case 'pollUpstream':
      return pollUpstream(ports, effect.url);
    case 'readCert':
      return readCert(ports, effect.path);
    case 'metric':
      ports.metric(effect);
      return [];
    case 'log':
      ports.log(effect.level, effect.msg, { node: config.node, ...effect.fields });
      return [];
  }
}

async function readCert(ports: DaemonPorts, path: string): Promise<DaemonEvent[]> {
  try {
    return [{ type: 'cert-read', path, notAfterMs: await ports.readCertNotAfterMs(path) }];
  } catch (err) {
    return [{ type: 'cert-read', path, notAfterMs: null, error: message(err) }];
  }
}
