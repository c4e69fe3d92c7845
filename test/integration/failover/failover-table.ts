// The failover suite's table: per step, what the client saw over each address family, and
// what every step must show for both.
import {
  ofFamily,
  recoveryMs,
  summarizeLoad,
  type AddressFamily,
  type LoadSample,
} from '../../../src/lab/load.js';
import { INGRESS_NODES } from '../../../src/lab/topology.js';
import { expect } from 'vitest';
import { formatTable as formatTextTable } from '../../../src/text/table.js';

export const FAMILIES: readonly AddressFamily[] = [4, 6];

export interface FamilyRow {
  recoveryMs: number | null;
  failed: number;
  total: number;
}

export interface StepRow {
  step: string;
  families: Record<AddressFamily, FamilyRow>;
  note: string;
}

/**
 * The row of a step: requests from the event to the end of the load, per family, recovery on
 * both nodes; failures are named by node and family in the note.
 */
export function stepRow(
  step: string,
  samples: LoadSample[],
  eventMs: number,
  note: string,
  recoveryFromMs = eventMs,
): StepRow {
  const end = Number.MAX_SAFE_INTEGER;
  const why: string[] = [];
  const row = (family: AddressFamily): FamilyRow => {
    const mine = ofFamily(samples, family);
    const summary = summarizeLoad(mine, eventMs, end);
    for (const [node, reasons] of Object.entries(summary.failures))
      why.push(`${node} IPv${family}: ${JSON.stringify(reasons)}`);
    return {
      recoveryMs: recoveryMs(mine, INGRESS_NODES, recoveryFromMs, end),
      failed: summary.failed,
      total: summary.total,
    };
  };
  const families = { 4: row(4), 6: row(6) };
  return { step, families, note: why.length > 0 ? `${note} [${why.join('; ')}]` : note };
}

function familyCell(r: FamilyRow): string {
  const recovery = r.recoveryMs === null ? 'not recovered' : `${(r.recoveryMs / 1000).toFixed(1)} s`;
  return `${r.failed}/${r.total}, ${recovery}`;
}

export function formatTable(rows: StepRow[]): string {
  const cells = rows.map((r) => [r.step, ...FAMILIES.map((f) => familyCell(r.families[f])), r.note]);
  const head = ['STEP', 'IPv4 FAILED/TOTAL, RECOVERY', 'IPv6 FAILED/TOTAL, RECOVERY', 'NOTE'];
  return formatTextTable([head, ...cells]);
}

/** What every step must show for both families: no failed request, and requests to judge by. */
export function expectNoFailures(row: StepRow): void {
  for (const family of FAMILIES) {
    expect(row.families[family].total, `IPv${family} requests`).toBeGreaterThan(20);
    expect(row.families[family].failed, `IPv${family}: ${row.note}`).toBe(0);
  }
}

export function expectRecoveredWithin(row: StepRow, boundMs: number): void {
  for (const family of FAMILIES) {
    const { recoveryMs } = row.families[family];
    expect(recoveryMs, `IPv${family} recovery`).not.toBeNull();
    expect(recoveryMs, `IPv${family} recovery`).toBeLessThan(boundMs);
  }
}
