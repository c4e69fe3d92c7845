import { formatTable } from '../text/table.js';
import type { DaemonStatus } from './status.js';

/** One host's answer to `ingress status`: its daemon's /status document, or why there is none. */
export type FleetEntry = { host: string; status: DaemonStatus } | { host: string; error: string };

export interface FleetRow {
  host: string;
  mode: string;
  serving: string;
  paths: string;
  dns: string;
  allowSet: string;
  certDays: string;
}

const HEADERS: FleetRow = {
  host: 'HOST',
  mode: 'MODE',
  serving: 'SERVING',
  paths: 'PATHS',
  dns: 'DNS PUBLISHED',
  allowSet: 'ALLOW-SET',
  certDays: 'CERT DAYS',
};

/** A WAN below full weight says so, and why: the user sees the steering decision. */
function weightNote(p: DaemonStatus['paths'][number]): string {
  if (p.state !== 'up' || p.weight === null || p.weight === undefined || p.weight >= 100) return '';
  return ` weight ${p.weight}${p.steering ? ` (${p.steering})` : ''}`;
}

type PathEntry = DaemonStatus['paths'][number];

function pathText(p: PathEntry): string {
  const rtt = p.state === 'up' && p.rttMs !== null ? ` ${p.rttMs}ms` : '';
  const why = p.state === 'down' && p.reason ? ` (${p.reason})` : '';
  const held = p.heldUntil ? ' held' : '';
  return `${p.name} ${p.state}${rtt}${held}${why}${weightNote(p)}`;
}

/** WAN paths grouped by address family (`IPv4 wan1 up, wan2 up; IPv6 wan1-v6 up`), the mesh on its own. */
function pathCell(status: DaemonStatus): string {
  if (status.paths.length === 0) return '-';
  // A path of no family (the mesh, a named address) is a group of its own, without a label.
  const groups = new Map<string, { label: string; texts: string[] }>();
  for (const p of status.paths) {
    const family = p.kind === 'wan' && p.family ? `IPv${p.family}` : null;
    const group = groups.get(family ?? `path ${p.name}`) ?? { label: family ? `${family} ` : '', texts: [] };
    group.texts.push(pathText(p));
    groups.set(family ?? `path ${p.name}`, group);
  }
  return [...groups.values()].map((g) => `${g.label}${g.texts.join(', ')}`).join('; ');
}

/** Per published name, its A and AAAA records side by side: a family with none says so. */
function recordsCell(status: DaemonStatus): string {
  const byName = new Map<string, Partial<Record<string, string[]>>>();
  for (const [key, addresses] of Object.entries(status.records)) {
    const cut = key.lastIndexOf('/');
    const [name, type] = cut < 0 ? [key, '?'] : [key.slice(0, cut), key.slice(cut + 1)];
    byName.set(name, { ...byName.get(name), [type]: addresses });
  }
  const cells = [...byName].flatMap(([name, types]) => {
    if (Object.values(types).every((a) => a === undefined || a.length === 0)) return [];
    const list = (type: string): string => types[type]?.join(',') || '(none)';
    const others = Object.keys(types).filter((t) => t !== 'A' && t !== 'AAAA');
    return [
      [`${name} A=${list('A')} AAAA=${list('AAAA')}`, ...others.map((t) => `${t}=${list(t)}`)].join(' '),
    ];
  });
  return cells.join('; ') || '-';
}

/** Each kernel set (IPv4, IPv6), and when the last DNS answer for it was refused, that it is being kept. */
function allowSetCell(s: DaemonStatus): string {
  const sets = s.allowSets
    ? Object.entries(s.allowSets)
        .map(([name, addresses]) => `${name}=${addresses.join(',') || '(empty)'}`)
        .join('; ')
    : null;
  const set = sets ?? (s.allowSet === null ? '-' : s.allowSet.join(',') || '(empty)');
  const refused = s.dnsRejected;
  return refused ? `${set} (kept: DNS answer for ${refused.name} refused, ${refused.reason})` : set;
}

/** One row per host, in the order given; unreachable daemons say why in the paths column. */
export function fleetRows(entries: readonly FleetEntry[]): FleetRow[] {
  return entries.map((entry): FleetRow => {
    if ('error' in entry) {
      const dash = '-';
      return { ...blank(entry.host, dash), paths: `unreachable: ${entry.error}` };
    }
    const s = entry.status;
    return {
      host: entry.host,
      mode: s.mode,
      serving: s.serving === null ? 'unknown' : s.serving ? 'yes' : 'no',
      paths: pathCell(s),
      dns: recordsCell(s),
      allowSet: allowSetCell(s),
      certDays:
        s.certificates.length === 0 ? '-' : String(Math.min(...s.certificates.map((c) => c.daysLeft))),
    };
  });
}

function blank(host: string, dash: string): FleetRow {
  return { host, mode: dash, serving: dash, paths: dash, dns: dash, allowSet: dash, certDays: dash };
}

/** A plain text table, columns padded to their widest cell. */
export function formatFleetTable(rows: readonly FleetRow[]): string {
  const keys = Object.keys(HEADERS) as (keyof FleetRow)[];
  return `${formatTable([HEADERS, ...rows].map((row) => keys.map((k) => row[k])))}\n`;
}
