import { isIP } from 'node:net';
import type { FleetEntry } from '../metrics/fleet.js';

/**
 * What the lab looks like at one moment, flattened to `subject -> value` so two
 * moments compare line by line: HAProxy's view of each path on the ingress nodes,
 * each daemon's paths, records and allow-sets, the public A and AAAA records in BIND, and
 * which containers run.
 */
export type Snapshot = Record<string, string>;

/** `backend,server,status` lines (HAProxy `show stat` cut to fields 1,2,18): the https relay's paths. */
export function haproxyFacts(node: string, statLines: string): Snapshot {
  const facts: Snapshot = {};
  for (const line of statLines.split('\n')) {
    const [backend, server, status] = line.trim().split(',');
    if (backend !== 'to_proxy_https' || !server || !status) continue;
    if (server === 'FRONTEND' || server === 'BACKEND') continue;
    facts[`${node}: haproxy path ${server}`] = status;
  }
  return facts;
}

/** A daemon's paths, published records and allow-set; an unreachable daemon is one fact saying so. */
export function daemonFacts(entry: FleetEntry): Snapshot {
  if ('error' in entry) return { [`${entry.host}: daemon`]: 'unreachable' };
  const s = entry.status;
  const facts: Snapshot = { [`${entry.host}: daemon`]: s.serving === false ? 'not serving' : 'running' };
  for (const path of s.paths) facts[`${entry.host}: daemon path ${path.name}`] = path.state;
  for (const [name, addresses] of Object.entries(s.records))
    facts[`${entry.host}: daemon dns ${name}`] = [...addresses].sort().join(',') || '(none)';
  const sets = s.allowSets ?? (s.allowSet === null ? null : { '': s.allowSet });
  for (const [set, addresses] of Object.entries(sets ?? {}))
    facts[`${entry.host}: allow-set${set ? ` ${set}` : ''}`] = [...addresses].sort().join(',') || '(empty)';
  return facts;
}

/** `dig +short` output for A or AAAA: the addresses BIND gives for the public name, of that family only. */
export function dnsFacts(domain: string, type: 'A' | 'AAAA', digOut: string | undefined): Snapshot {
  const subject = `dns: ${domain} ${type}`;
  if (digOut === undefined) return { [subject]: 'no answer' };
  const family = type === 'A' ? 4 : 6;
  const addresses = digOut
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => isIP(l) === family)
    .sort();
  return { [subject]: addresses.join(',') || '(none)' };
}

/** One line per subject that changed, appeared or went away, in a stable order. */
export function diffSnapshots(before: Snapshot, after: Snapshot): string[] {
  const subjects = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const lines: string[] = [];
  for (const subject of subjects) {
    const was = before[subject];
    const now = after[subject];
    if (was === now) continue;
    lines.push(`${subject}: ${was ?? '(absent)'} -> ${now ?? '(absent)'}`);
  }
  return lines;
}

/** Paths not up: HAProxy `UP` (and `no check`, which never probes) and daemon `up` count as up. */
export function unhealthyPaths(snapshot: Snapshot): string[] {
  return Object.entries(snapshot)
    .filter(([subject]) => / (haproxy|daemon) path /.test(subject))
    .filter(([, value]) => !/^(UP|up|no check)$/.test(value))
    .map(([subject, value]) => `${subject}: ${value}`);
}

/** A table of the snapshot, subject and value in two columns. */
export function formatSnapshot(snapshot: Snapshot): string {
  const subjects = Object.keys(snapshot).sort();
  const width = Math.max(0, ...subjects.map((s) => s.length));
  return subjects.map((s) => `  ${s.padEnd(width)}  ${snapshot[s]}\n`).join('');
}
