/**
 * The daemon's /status document as others read it: `ingress status`, the lab and other
 * daemons' votes. The daemon builds it from its state in daemon/status.ts.
 */

/** Where a daemon serves /status and /metrics unless its config says otherwise. */
export const DEFAULT_STATUS_PORT = 9105;

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
  /** Ingress mode: how often the paths are probed now, and why not quietly (probe-pace.ts). */
  probing?: { every: 'interval' | 'quiet interval'; reason: string | null } | null;
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

/** Reads a /status answer for display; fields an older daemon does not send get empty values. */
export function parseDaemonStatus(text: string): DaemonStatus {
  const doc = JSON.parse(text) as Partial<DaemonStatus>;
  if (typeof doc.node !== 'string' || !Array.isArray(doc.paths)) throw new Error('not a daemon status');
  return { certificates: [], records: {}, allowSet: null, ...doc } as DaemonStatus;
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
