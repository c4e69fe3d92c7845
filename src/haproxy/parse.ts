import { parse as parseCsv } from 'csv-parse/sync';
import { IngressError } from '../errors.js';
import type { ServerAdminState } from './commands.js';

export interface ServerStateRow {
  backend: string;
  server: string;
  address: string;
  port: number | null;
  /** srv_op_state: 0 stopped, 1 starting, 2 running, 3 stopping. */
  opState: number;
  /** srv_admin_state bit field. */
  adminBits: number;
  admin: ServerAdminState;
  /** True when HAProxy's own checks let the server take traffic (running or starting). */
  operational: boolean;
  weight: number;
  checkStatus: number;
}

// Admin flags from HAProxy's server.h: forced/inherited/config/resolution/hostname maintenance, and drain.
const ADMF_MAINT = 0x01 | 0x02 | 0x04 | 0x20 | 0x40;
const ADMF_DRAIN = 0x08 | 0x10;

export function adminStateOf(bits: number): ServerAdminState {
  if (bits & ADMF_MAINT) return 'maint';
  if (bits & ADMF_DRAIN) return 'drain';
  return 'ready';
}

function intField(row: Record<string, string>, name: string): number {
  const value = Number.parseInt(row[name] ?? '', 10);
  if (Number.isNaN(value))
    throw new IngressError('E_HAPROXY', `show servers state: field ${name} missing or not a number`);
  return value;
}

/** Parses `show servers state` (format version 1): a version line, a `#` header, one row per server. */
export function parseServersState(output: string): ServerStateRow[] {
  const lines = output.split('\n').map((line) => line.trim());
  if (lines[0] !== '1') {
    throw new IngressError(
      'E_HAPROXY',
      `show servers state: unsupported format version ${JSON.stringify(lines[0])}`,
    );
  }
  const header = lines.find((line) => line.startsWith('#'));
  if (!header) throw new IngressError('E_HAPROXY', 'show servers state: no header line');
  const names = header.slice(1).trim().split(/\s+/);
  return lines
    .slice(1)
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const values = line.split(/\s+/);
      const row = Object.fromEntries(names.map((name, i) => [name, values[i] ?? '']));
      const adminBits = intField(row, 'srv_admin_state');
      const opState = intField(row, 'srv_op_state');
      const port = Number.parseInt(row.srv_port ?? '', 10);
      return {
        backend: row.be_name ?? '',
        server: row.srv_name ?? '',
        address: row.srv_addr ?? '',
        port: Number.isNaN(port) ? null : port,
        opState,
        adminBits,
        admin: adminStateOf(adminBits),
        operational: opState === 1 || opState === 2,
        weight: intField(row, 'srv_uweight'),
        checkStatus: intField(row, 'srv_check_status'),
      };
    });
}

export type StatRow = Record<string, string>;

function csvLine(line: string): string[] {
  // HAProxy quotes only a field holding a comma or a quote (a check's description, say): the
  // rest split as they are, which the daemon does twice a second (csv-parse cost it 2 % of a core).
  if (!line.includes('"')) return line.split(',');
  try {
    return (parseCsv(line, { relax_column_count: true }) as string[][])[0] ?? [];
  } catch (cause) {
    throw new IngressError('E_HAPROXY', 'show stat: output is not CSV', { cause });
  }
}

/**
 * Parses `show stat` CSV: the header starts with "# "; fields keep HAProxy's names (pxname,
 * svname, status…). `fields` keeps only those (of about a hundred), for a reader that polls.
 */
export function parseStat(output: string, fields?: readonly string[]): StatRow[] {
  const [head = '', ...lines] = output.replace(/^# /, '').split('\n');
  if (head.trim() === '') return [];
  const names = csvLine(head.trimEnd());
  const kept = names.flatMap((name, i) => (name !== '' && (!fields || fields.includes(name)) ? [i] : []));
  return lines
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const values = csvLine(line.trimEnd());
      return Object.fromEntries(kept.map((i) => [names[i] as string, values[i] ?? '']));
    });
}

/** The runtime API answers errors in prose (recorded from 2.6); null when the answer is not one. */
export function runtimeError(output: string): string | null {
  const first = output.trim().split('\n')[0] ?? '';
  const refused =
    /^(Unknown command|No such|No ongoing|Can't|Permission denied|Require|Missing|Invalid|Absolute weight)/;
  return refused.test(first) ? first : null;
}
