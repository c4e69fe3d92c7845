import { isIP } from 'node:net';
import type { DaemonStatus, PathStatus, PeerStatus } from '../metrics/status.js';
import { lossRatio } from './path-health.js';
import { qualityOf } from './path-steering.js';
import { deadPeerNames } from './peers.js';
import { unrest } from './probe-pace.js';
import type { DaemonState } from './types.js';

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

function probingOf(state: DaemonState, nowMs: number): DaemonStatus['probing'] {
  if (state.config.paths.length === 0) return null;
  const reason = unrest(state, nowMs);
  return { every: reason === null ? 'quiet interval' : 'interval', reason };
}

/** The JSON served on /status: what the daemon believes and why, newest changes last. */
export function buildStatus(state: DaemonState, nowMs: number, timelineLimit = 50): DaemonStatus {
  const { config } = state;
  return {
    node: config.node,
    mode: config.mode,
    time: new Date(nowMs).toISOString(),
    serving: state.serving,
    probing: probingOf(state, nowMs),
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
