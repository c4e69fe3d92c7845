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

function pathCell(status: DaemonStatus): string {
  if (status.paths.length === 0) return '-';
  return status.paths
    .map((p) => {
      const rtt = p.state === 'up' && p.rttMs !== null ? ` ${p.rttMs}ms` : '';
      const why = p.state === 'down' && p.reason ? ` (${p.reason})` : '';
      const held = p.heldUntil ? ' held' : '';
      return `${p.name} ${p.state}${rtt}${held}${why}${weightNote(p)}`;
    })
    .join('; ');
}

function recordsCell(status: DaemonStatus): string {
  const entries = Object.entries(status.records).filter(([, addresses]) => addresses.length > 0);
  if (entries.length === 0) return '-';
  return entries.map(([key, addresses]) => `${key}=${addresses.join(',')}`).join('; ');
}

/** The allow-set, and when the last DNS answer for it was refused, that the set is being kept. */
function allowSetCell(s: DaemonStatus): string {
  const set = s.allowSet === null ? '-' : s.allowSet.join(',') || '(empty)';
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
