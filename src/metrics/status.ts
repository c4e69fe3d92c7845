import { isIP } from 'node:net';
import { lossRatio } from '../daemon/path-health.js';
import { qualityOf } from '../daemon/path-steering.js';
import { deadPeerNames } from '../daemon/peers.js';
import type { DaemonState } from '../daemon/types.js';

export interface PathStatus {
  name: string;
  kind: 'wan' | 'mesh';
  /** The address family the path is probed over (null when it is named, not an IP address). */
  family?: 4 | 6 | null;
  state: 'up' | 'down' | 'unknown';
  heldUntil: string | null;
  rttMs: number | null;
  loss: number;
  /** HAProxy weight from quality steering (WAN paths; 100 = full share), null for the mesh backup. */
  weight: number | null;
  /** Over the steering window: loss, mean RTT, jitter and the cost steering compares. */
  quality: {
    samples: number;
    lossRatio: number;
    rttMeanMs: number | null;
    jitterMs: number | null;
    costMs: number;
  } | null;
  /** Why the weight is what it is. */
  steering: string | null;
  lastChange: string | null;
  reason: string;
}

export interface PeerStatus {
  name: string;
  alive: boolean;
  lastSeen: string | null;
}

export interface DaemonStatus {
  node: string;
  mode: 'ingress' | 'local';
  time: string;
  serving: boolean | null;
  paths: PathStatus[];
  peers: PeerStatus[];
  /** The local proxy's daemon as this ingress node sees it, with the nodes it holds dead (its vote). */
  witness: (PeerStatus & { deadPeers: string[] }) | null;
  /** Peers this node holds dead: the other ingress nodes count it as this node's vote. */
  deadPeers: string[];
  /** Addresses the kernel allow-sets hold (local mode): ingress nodes publish only once theirs is here. */
  allowSet: string[] | null;
  /** The same addresses by the kernel set that holds them (local mode): `{ ingress_v4: [...], ingress_v6: [...] }`. */
  allowSets?: Record<string, string[]> | null;
  /** The last refused DNS answer for the ingress names, while the last good allow-set is kept. */
  dnsRejected?: { name: string; reason: string; at: string } | null;
  records: Record<string, string[]>;
  certificates: { path: string; notAfter: string; daysLeft: number }[];
  timeline: { at: string; subject: string; from: string; to: string; reason: string }[];
}

function familyOf(address: string): 4 | 6 | null {
  const family = isIP(address);
  return family === 4 || family === 6 ? family : null;
}

/** The allow-set split over the two kernel sets, as the firewall planner splits it. */
function allowSetsOf(state: DaemonState): Record<string, string[]> | null {
  const fw = state.config.firewall;
  const confirmed = state.firewall.confirmed;
  if (!fw || confirmed === null) return null;
  return {
    [fw.setV4]: confirmed.filter((a) => isIP(a) === 4),
    [fw.setV6]: confirmed.filter((a) => isIP(a) === 6),
  };
}

const round1 = (v: number | null): number | null => (v === null ? null : Math.round(v * 10) / 10);

function roundQuality(q: ReturnType<typeof qualityOf>): PathStatus['quality'] {
  if (!q) return null;
  return {
    samples: q.samples,
    lossRatio: Math.round(q.lossRatio * 1000) / 1000,
    rttMeanMs: round1(q.rttMeanMs),
    jitterMs: round1(q.jitterMs),
    costMs: Math.round(q.costMs * 10) / 10,
  };
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function peerStatus(state: DaemonState, name: string): PeerStatus {
  const p = state.peers[name];
  return { name, alive: p?.alive ?? true, lastSeen: iso(p?.lastSeenMs ?? null) };
}

/** The JSON served on /status: what the daemon believes and why, newest changes last. */
export function buildStatus(state: DaemonState, nowMs: number, timelineLimit = 50): DaemonStatus {
  const { config } = state;
  return {
    node: config.node,
    mode: config.mode,
    time: new Date(nowMs).toISOString(),
    serving: state.serving,
    paths: config.paths.map((p): PathStatus => {
      const s = state.paths[p.name];
      const held = s?.heldUntilMs !== null && s?.heldUntilMs !== undefined && s.heldUntilMs > nowMs;
      return {
        name: p.name,
        kind: p.kind,
        family: familyOf(p.address),
        state: s?.up === true ? 'up' : s?.up === false ? 'down' : 'unknown',
        heldUntil: held ? iso(s.heldUntilMs) : null,
        rttMs: s?.rttEwmaMs === null || s === undefined ? null : Math.round(s.rttEwmaMs * 10) / 10,
        loss: s ? lossRatio(s) : 0,
        weight: state.steering[p.name]?.weight ?? null,
        quality: roundQuality(qualityOf(state, p.name, nowMs)),
        steering: state.steering[p.name]?.reason ?? null,
        lastChange: iso(s?.lastChangeMs ?? null),
        reason: s?.reason ?? '',
      };
    }),
    peers: config.peers.map((p) => peerStatus(state, p.name)),
    witness: config.witness
      ? {
          ...peerStatus(state, config.witness.name),
          deadPeers: state.peers[config.witness.name]?.deadPeers ?? [],
        }
      : null,
    deadPeers: deadPeerNames(state),
    allowSet: state.firewall.confirmed,
    allowSets: allowSetsOf(state),
    dnsRejected: state.firewall.rejected
      ? {
          name: state.firewall.rejected.name,
          reason: state.firewall.rejected.reason,
          at: iso(state.firewall.rejected.atMs) ?? '',
        }
      : null,
    records: state.records,
    certificates: Object.entries(state.certNotAfterMs).map(([path, notAfterMs]) => ({
      path,
      notAfter: iso(notAfterMs) ?? '',
      daysLeft: Math.floor((notAfterMs - nowMs) / 86_400_000),
    })),
    timeline: state.timeline.slice(-timelineLimit).map((t) => ({
      at: iso(t.atMs) ?? '',
      subject: t.subject,
      from: t.from,
      to: t.to,
      reason: t.reason,
    })),
  };
}

export interface PeerReportFields {
  serving: boolean;
  deadPeers: string[];
  allowSet: string[] | null;
}

/** What a daemon shows on the mesh: the fields other daemons' votes read, nothing else. */
export function peerStatusDocument(doc: unknown): Record<string, unknown> {
  const source = (typeof doc === 'object' && doc !== null ? doc : {}) as Record<string, unknown>;
  const picked: Record<string, unknown> = {};
  for (const key of ['node', 'serving', 'deadPeers', 'allowSet']) {
    if (key in source) picked[key] = source[key];
  }
  return picked;
}

/** Reads another daemon's /status answer; tolerant of extra fields, strict on the ones votes rely on. */
export function parsePeerStatus(body: unknown): PeerReportFields | null {
  if (typeof body !== 'object' || body === null) return null;
  const doc = body as Record<string, unknown>;
  const strings = (value: unknown): string[] | null =>
    Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : null;
  const deadPeers = strings(doc.deadPeers);
  if ((typeof doc.serving !== 'boolean' && doc.serving !== null) || deadPeers === null) return null;
  // A node that has not decided yet (just started) is no evidence of a dead node.
  return { serving: doc.serving ?? true, deadPeers, allowSet: strings(doc.allowSet) };
}
