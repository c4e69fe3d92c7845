import type { MetricName } from '../metrics/registry.js';
import type { DaemonConfig } from './config.js';
import type { ProbeSample } from './path-quality.js';
import type { PaceState } from './probe-pace.js';
import type { SteerState } from './steering.js';

export type AdminState = 'ready' | 'drain' | 'maint';
export type RrType = 'A' | 'AAAA';

/** One change worth explaining later: "wan1 down at 12:00:03 (3 probes failed: timeout)". */
export interface TimelineEntry {
  atMs: number;
  subject: string;
  from: string;
  to: string;
  reason: string;
}

export interface PathState {
  name: string;
  /** null until the first verdict: a daemon restart must not steer on no evidence. */
  up: boolean | null;
  okStreak: number;
  failStreak: number;
  rttEwmaMs: number | null;
  /** Recent probe outcomes, newest last, bounded by probe.lossWindow. */
  samples: boolean[];
  /** Probes of the quality window (steering.windowMs), oldest first. */
  window: ProbeSample[];
  lastChangeMs: number | null;
  reason: string;
  /** When recent state changes happened, for flap damping. */
  changesMs: number[];
  heldUntilMs: number | null;
}

/** What HAProxy reported for one server (from `show servers state`, and `show stat` for its checks). */
export interface ObservedServer {
  admin: AdminState;
  /** HAProxy's own check verdict: false when its checks marked the server DOWN. */
  operational: boolean;
  weight: number;
  /** Failed checks while the server was UP (show stat's chkfail, a counter). */
  checkFails?: number;
  /** How long the last check took (show stat's check_duration). */
  checkDurationMs?: number;
}

export interface PeerState {
  name: string;
  alive: boolean;
  okStreak: number;
  failStreak: number;
  /** Peers this peer says are dead, from its last report. */
  deadPeers: string[];
  /** null until every path has a verdict or one is up. */
  serving: boolean | null;
  lastSeenMs: number | null;
}

export interface RecordKey {
  name: string;
  type: RrType;
}

export interface FirewallState {
  /** Last known good resolution of the ingress names (survives DNS failures). */
  resolved: string[] | null;
  /** Elements the kernel set is known to hold (read back or acknowledged). */
  confirmed: string[] | null;
  /** A replace is in flight with these addresses. */
  pending: string[] | null;
  /** After a failed replace, wait until then before trying again. */
  retryAtMs: number;
  /** The last refused DNS answer for the ingress names, until a good one replaces it. */
  rejected: { name: string; reason: string; atMs: number } | null;
}

export interface TimerState {
  probe: number;
  haproxy: number;
  peers: number;
  dnsRead: number;
  resolve: number;
  certs: number;
}

export interface DaemonState {
  config: DaemonConfig;
  paths: Record<string, PathState>;
  /** Quality steering of each WAN path: its weight and hysteresis clocks. */
  steering: Record<string, SteerState>;
  haproxy: Record<string, ObservedServer> | null;
  /** How often the paths are probed (probe-pace.ts). */
  pace: PaceState;
  peers: Record<string, PeerState>;
  /** Current RRsets keyed "name/TYPE", as read from the DNS server. */
  records: Record<string, string[]>;
  /** DNS replaces in flight, keyed like records. */
  dnsPending: Record<string, string[]>;
  dnsRetryAtMs: number;
  /** Records kept only because removing would leave the name empty. */
  refusedLast: string[];
  /** Addresses the local proxy confirms it allows (ingress mode; null = no gate configured or not yet known). */
  allowedUpstream: string[] | null;
  firewall: FirewallState;
  /** null until every path has a verdict or one is up. */
  serving: boolean | null;
  timers: TimerState;
  /** Watched certificates' notAfter, by path, from the last successful read. */
  certNotAfterMs: Record<string, number>;
  rng: number;
  timeline: TimelineEntry[];
}

export type DaemonEvent =
  | { type: 'probe'; path: string; ok: boolean; rttMs?: number; reason?: string }
  | { type: 'haproxy-state'; servers: Record<string, ObservedServer> }
  | {
      type: 'peer-status';
      peer: string;
      ok: boolean;
      serving?: boolean;
      deadPeers?: string[];
      reason?: string;
    }
  | { type: 'upstream-allow'; ok: boolean; addresses: string[] }
  | {
      type: 'dns-observed';
      ok: true;
      records: { name: string; type: RrType; addresses: string[]; ttlS: number }[];
    }
  | { type: 'dns-observed'; ok: false; names: string[]; error: string }
  | { type: 'dns-result'; name: string; rrtype: RrType; ok: boolean; wanted: string[]; error?: string }
  | { type: 'firewall-result'; ok: boolean; addresses: string[]; error?: string }
  | { type: 'cert-read'; path: string; notAfterMs: number | null; error?: string }
  | { type: 'tick' };

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type Effect =
  | { kind: 'setServerState'; backend: string; server: string; state: AdminState }
  | { kind: 'setServerWeight'; backend: string; server: string; weight: number }
  | { kind: 'dnsReplace'; name: string; type: RrType; expected: string[]; wanted: string[] }
  | { kind: 'firewallReplace'; table: string; setV4: string; setV6: string; addresses: string[] }
  | { kind: 'metric'; name: MetricName; op: 'set' | 'inc'; value: number; labels: Record<string, string> }
  | { kind: 'log'; level: LogLevel; msg: string; fields: Record<string, unknown> }
  | { kind: 'probe'; path: string; address: string; port: number; timeoutMs: number }
  | { kind: 'readHaproxy' }
  | { kind: 'pollPeer'; peer: string; url: string }
  | { kind: 'pollUpstream'; url: string }
  | { kind: 'dnsRead'; names: string[]; types: RrType[] }
  | { kind: 'firewallRead'; table: string; setV4: string; setV6: string }
  | { kind: 'readCert'; path: string };

export type MetricEffect = Extract<Effect, { kind: 'metric' }>;

export interface StepResult {
  state: DaemonState;
  effects: Effect[];
}

export function recordKey(name: string, type: RrType): string {
  return `${name}/${type}`;
}

export function serverKey(backend: string, server: string): string {
  return `${backend}/${server}`;
}

export function log(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): Effect {
  return { kind: 'log', level, msg, fields };
}

export function metric(
  name: MetricName,
  value: number,
  labels: Record<string, string> = {},
  op: 'set' | 'inc' = 'set',
): MetricEffect {
  return { kind: 'metric', name, op, value, labels };
}

export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((item) => right.has(item));
}

export function sortedUnique(items: Iterable<string>): string[] {
  return [...new Set(items)].sort();
}
