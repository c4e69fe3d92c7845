import { formatTable } from '../text/table.js';
import { crlNeedsRefresh, readCrls } from './crl.js';
import { renewalReasons, type RenewalReason } from './renewal.js';
import { listIssued, readCaCert, requireState } from './store.js';
import type { IssuedRecord } from './store.js';

const DAY_MS = 86_400_000;

export interface CaRow {
  id: string;
  role: 'current' | 'previous';
  subject: string;
  notAfter: string;
  daysLeft: number;
}

export interface CertRow {
  name: string;
  issued: boolean;
  subject: string | null;
  sans: string[];
  notAfter: string | null;
  daysLeft: number | null;
  revoked: boolean;
  issuer: 'current' | 'previous' | 'unknown' | null;
  /** False for certificates issued by hand to names outside the inventory. */
  inInventory: boolean | null;
  renewal: RenewalReason['code'][];
}

export interface CaStatus {
  cas: CaRow[];
  crl: { number: number; nextUpdate: string | null; needsRefresh: boolean };
  rows: CertRow[];
}

function daysLeft(notAfter: Date, now: Date): number {
  return Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS);
}

function certRow(record: IssuedRecord, current: string, previous: string[], now: Date): CertRow {
  const notAfter = new Date(record.notAfter);
  const issuer =
    record.caId === current ? 'current' : previous.includes(record.caId) ? 'previous' : 'unknown';
  const reasons = renewalReasons({
    cert: {
      ...record,
      notBefore: new Date(record.notBefore),
      notAfter,
      issuerCaId: record.caId,
      revoked: !!record.revoked,
    },
    currentCaId: current,
    now,
  });
  return {
    name: record.name,
    issued: true,
    subject: record.subject,
    sans: record.sans,
    notAfter: record.notAfter,
    daysLeft: daysLeft(notAfter, now),
    revoked: record.revoked !== null,
    issuer,
    inInventory: null,
    renewal: reasons.map((reason) => reason.code),
  };
}

function missingRow(name: string): CertRow {
  const empty = { subject: null, sans: [], notAfter: null, daysLeft: null, revoked: false, issuer: null };
  return { name, issued: false, ...empty, inInventory: true, renewal: ['missing'] };
}

/** One row per issued certificate; with `hosts`, one per inventory host first (missing ones included). */
export async function caStatus(options: {
  stateDir: string;
  now?: Date;
  hosts?: readonly string[];
}): Promise<CaStatus> {
  const now = options.now ?? new Date();
  const state = await requireState(options.stateDir);
  const cas: CaRow[] = [];
  for (const id of [state.currentCa, ...state.previousCas]) {
    const cert = await readCaCert(options.stateDir, id);
    const role = id === state.currentCa ? 'current' : 'previous';
    cas.push({
      id,
      role,
      subject: cert.subject,
      notAfter: cert.notAfter.toISOString(),
      daysLeft: daysLeft(cert.notAfter, now),
    });
  }
  const crls = await readCrls(options.stateDir);
  const first = crls[0];
  const nextUpdate = first?.nextUpdate ?? null;
  const records = await listIssued(options.stateDir);
  const byName = new Map(records.map((r) => [r.name, certRow(r, state.currentCa, state.previousCas, now)]));
  let rows = [...byName.values()];
  if (options.hosts) {
    const hostRows = options.hosts.map((host) => {
      const row = byName.get(host);
      return row ? { ...row, inInventory: true } : missingRow(host);
    });
    const others = rows
      .filter((row) => !options.hosts?.includes(row.name))
      .map((row) => ({ ...row, inInventory: false }));
    rows = [...hostRows, ...others];
  }
  return {
    cas,
    crl: {
      number: state.crlNumber,
      nextUpdate: nextUpdate?.toISOString() ?? null,
      needsRefresh: crls.length === 0 || crls.some((crl) => crlNeedsRefresh(crl, now)),
    },
    rows,
  };
}

function table(header: string[], lines: string[][]): string {
  return formatTable([header, ...lines]);
}

/** The human form of `ingress ca status`. */
export function formatCaStatus(status: CaStatus): string {
  const cas = table(
    ['CA', 'ROLE', 'SUBJECT', 'NOT AFTER', 'DAYS'],
    status.cas.map((ca) => [ca.id, ca.role, ca.subject, ca.notAfter.slice(0, 10), String(ca.daysLeft)]),
  );
  const crl = `CRL #${status.crl.number}, next update ${status.crl.nextUpdate ?? 'none'}${status.crl.needsRefresh ? ' (refresh due)' : ''}`;
  const certs = table(
    ['NAME', 'SUBJECT', 'SANS', 'NOT AFTER', 'DAYS', 'REVOKED', 'ISSUER', 'RENEW'],
    status.rows.map((row) => [
      row.name,
      row.subject ?? '-',
      row.sans.join(',') || '-',
      row.notAfter?.slice(0, 10) ?? '-',
      row.daysLeft === null ? '-' : String(row.daysLeft),
      row.revoked ? 'yes' : 'no',
      row.issuer ?? '-',
      row.renewal.join(',') || '-',
    ]),
  );
  return `${cas}\n${crl}\n\n${certs}\n`;
}
