// What the failover suite looks at, read the way an operator would: HAProxy's counters on the
// ingress nodes, BIND's answers from the client, the proxy's allow-set, the daemons' /status.
import { parse as parseYaml } from 'yaml';
import { parseNftSetJson } from '../../../src/firewall/nft-json.js';
import { startLoad, type LoadRun } from '../../../src/lab/load.js';
import type { StackLab } from '../../../src/lab/stack-lab.js';
import { address6Of, addressOf, INGRESS_NODES, type StackHostName } from '../../../src/lab/topology.js';
import type { DaemonStatus } from '../../../src/metrics/status.js';
import { sleep } from '../../../src/time/sleep.js';

/** The relay's servers: one per WAN and address family, then the mesh backup. */
export const PATHS = ['wan1', 'wan2', 'wan1-v6', 'wan2-v6', 'mesh'] as const;
export type PathName = (typeof PATHS)[number];

const perPath = <T>(value: (path: PathName) => T): Record<PathName, T> =>
  Object.fromEntries(PATHS.map((p) => [p, value(p)])) as Record<PathName, T>;

export { sleep };

export async function must(stack: StackLab, host: StackHostName, command: string): Promise<string> {
  const result = await stack.hosts[host].exec(command);
  if (result.rc !== 0)
    throw new Error(`${host}: ${command} failed (rc ${result.rc}): ${result.stderr.trim()}`);
  return result.stdout.trim();
}

/** Polls `probe` every 250 ms until it returns a value; the elapsed time comes back with it. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
): Promise<{ value: T; atMs: number }> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return { value, atMs: Date.now() };
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${String(last)}`);
    await sleep(250);
  }
}

export interface ServerStat {
  status: string;
  /** Sessions the server has taken since HAProxy started. */
  sessions: number;
}

/** HAProxy's https relay backend on an ingress node: status and session count per path. */
export async function relayStats(
  stack: StackLab,
  node: StackHostName,
): Promise<Record<PathName, ServerStat>> {
  const csv = await must(stack, node, `/usr/local/lib/ingress/haproxy-cmd "show stat" | cut -d, -f1,2,8,18`);
  const rows: Partial<Record<PathName, ServerStat>> = {};
  for (const line of csv.split('\n')) {
    const [backend, server, sessions, status] = line.split(',');
    if (backend === 'to_proxy_https' && PATHS.includes(server as PathName))
      rows[server as PathName] = { status: status ?? '', sessions: Number(sessions) };
  }
  for (const path of PATHS)
    if (!rows[path]) throw new Error(`${node}: no ${path} server in HAProxy stats:\n${csv}`);
  return rows as Record<PathName, ServerStat>;
}

/** Statuses on every ingress node, e.g. { 'ingress-1': { wan1: 'UP', ... } }. */
export async function relayStatuses(stack: StackLab): Promise<Record<string, Record<PathName, string>>> {
  const out: Record<string, Record<PathName, string>> = {};
  for (const node of INGRESS_NODES) {
    const stats = await relayStats(stack, node);
    out[node] = perPath((p) => stats[p].status);
  }
  return out;
}

/** Sessions per path summed over both ingress nodes. */
export async function pathSessions(stack: StackLab): Promise<Record<PathName, number>> {
  const total = perPath(() => 0);
  for (const node of INGRESS_NODES) {
    const stats = await relayStats(stack, node);
    for (const path of PATHS) total[path] += stats[path].sessions;
  }
  return total;
}

/** The sessions each path took while `windowMs` of load went by. */
export async function pathTraffic(stack: StackLab, windowMs: number): Promise<Record<PathName, number>> {
  const before = await pathSessions(stack);
  await sleep(windowMs);
  const after = await pathSessions(stack);
  return perPath((p) => after[p] - before[p]);
}

/** Answers of one type for `name`, asked from the client over the public network. */
async function dig(stack: StackLab, name: string, type: 'A' | 'AAAA'): Promise<string[]> {
  const dns = addressOf(stack.topology, 'dns', 'public');
  const out = await must(stack, 'client', `dig +short +time=1 +tries=1 @${dns} ${name} ${type}`);
  return out.split('\n').filter(Boolean).sort();
}

export const digA = (stack: StackLab, name: string): Promise<string[]> => dig(stack, name, 'A');
export const digAAAA = (stack: StackLab, name: string): Promise<string[]> => dig(stack, name, 'AAAA');

export async function digTtlS(stack: StackLab, name: string): Promise<number> {
  const dns = addressOf(stack.topology, 'dns', 'public');
  const out = await must(stack, 'client', `dig +noall +answer @${dns} ${name} A | head -1`);
  return Number(out.split(/\s+/)[1]);
}

/** What the proxy's kernel admits to the mTLS ports, per family (the daemon keeps both sets). */
export async function allowSet(
  stack: StackLab,
  set: 'ingress_v4' | 'ingress_v6' = 'ingress_v4',
): Promise<string[]> {
  const out = await must(stack, 'proxy', `nft -j list set inet ingress ${set}`);
  return [...parseNftSetJson(out).elements].sort();
}

export const allowSet6 = (stack: StackLab): Promise<string[]> => allowSet(stack, 'ingress_v6');

/** The daemon's own configuration on a host, as `ingress up` rendered it. */
export async function daemonConfig(stack: StackLab, host: StackHostName): Promise<Record<string, unknown>> {
  return parseYaml(await must(stack, host, 'cat /etc/ingress/daemon.yml')) as Record<string, unknown>;
}

export interface FirewallView {
  ingressNames: string[];
  /** The longest the proxy's daemon waits before it reads a name of TTL `ttlS` again, plus slack. */
  followBoundMs(ttlS: number): number;
}

/** The proxy daemon's allow-set settings (defaults as src/daemon/config.ts). */
export async function firewallView(stack: StackLab): Promise<FirewallView> {
  const firewall = ((await daemonConfig(stack, 'proxy')).firewall ?? {}) as {
    ingressNames?: string[];
    minTtlS?: number;
    maxTtlS?: number;
  };
  const minS = firewall.minTtlS ?? 30;
  const maxS = firewall.maxTtlS ?? 300;
  return {
    ingressNames: firewall.ingressNames ?? [],
    // One DNS read and one nft transaction on top of the clamped TTL.
    followBoundMs: (ttlS) => (Math.min(Math.max(ttlS, minS), maxS) + 5) * 1000,
  };
}

export async function daemonStatus(stack: StackLab, host: StackHostName): Promise<DaemonStatus> {
  const listen = ((await daemonConfig(stack, host)).listen ?? {}) as { host?: string; port?: number };
  const url = `http://${listen.host ?? '127.0.0.1'}:${listen.port ?? 9105}/status`;
  return JSON.parse(await must(stack, host, `curl -sS --max-time 3 '${url}'`)) as DaemonStatus;
}

/** A bounded load from the client through both ingress nodes over IPv4 and IPv6, 5 requests/s each. */
export function clientLoad(stack: StackLab, durationMs: number): Promise<LoadRun> {
  const t = stack.topology;
  return startLoad(stack.hosts.client, {
    targets: INGRESS_NODES.flatMap((node) => [
      { node, address: addressOf(t, node, 'public') },
      { node, address: address6Of(t, node, 'public') },
    ]),
    domain: stack.topology.serviceDomain,
    caFile: '/tmp/pebble-root.pem',
    ratePerTargetPerS: 5,
    durationMs,
    timeoutMs: 5_000,
    expectBody: '"service":"demo"',
  });
}

/** The ingress daemons' recent path and weight decisions, for a failure message. */
export async function recentDecisions(stack: StackLab, sinceMs: number): Promise<string> {
  const lines: string[] = [];
  for (const node of INGRESS_NODES) {
    const status = await daemonStatus(stack, node).catch(() => null);
    for (const t of status?.timeline.filter((e) => Date.parse(e.at) >= sinceMs) ?? [])
      lines.push(`${node} ${t.at.slice(11, 23)} ${t.subject} ${t.from}->${t.to}: ${t.reason}`);
  }
  return lines.join('\n') || '(no decisions)';
}

/** The proxy back on a WAN network with both of its addresses, as the relay servers name them. */
export async function reconnectWan(stack: StackLab, wan: 'wan1' | 'wan2'): Promise<void> {
  if (stack.hosts.proxy.addresses[wan] !== undefined) return;
  const t = stack.topology;
  await stack.lab.connectNetwork(
    stack.hosts.proxy,
    wan,
    addressOf(t, 'proxy', wan),
    address6Of(t, 'proxy', wan),
  );
}
