import { isIP } from 'node:net';
import { IngressError } from '../errors.js';

/** Where the allow-sets live: one table of ours, so nothing else in the ruleset is touched. */
export interface AllowSetTarget {
  family: 'inet';
  table: string;
  setV4: string;
  setV6: string;
}

const IDENT = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;

export function checkIdent(kind: string, value: string): string {
  if (!IDENT.test(value))
    throw new IngressError('E_FIREWALL', `invalid nftables ${kind} name: ${JSON.stringify(value)}`);
  return value;
}

export interface SplitAddresses {
  v4: string[];
  v6: string[];
}

/** Sorted, de-duplicated, split by family; anything that is not an IP address is refused. */
export function splitAddresses(addresses: readonly string[]): SplitAddresses {
  const v4 = new Set<string>();
  const v6 = new Set<string>();
  for (const address of addresses) {
    const family = isIP(address);
    if (family === 4) v4.add(address);
    else if (family === 6) v6.add(address.toLowerCase());
    else throw new IngressError('E_FIREWALL', `not an IP address: ${JSON.stringify(address)}`);
  }
  return { v4: [...v4].sort(), v6: [...v6].sort() };
}

function replaceSet(family: string, table: string, set: string, elements: string[]): string[] {
  const lines = [`flush set ${family} ${table} ${set}`];
  if (elements.length > 0) lines.push(`add element ${family} ${table} ${set} { ${elements.join(', ')} }`);
  return lines;
}

/**
 * One `nft -f` script that replaces both allow-sets. nft applies a file as a single transaction,
 * so no packet ever sees a half-updated set.
 */
export function planAllowSets(target: AllowSetTarget, addresses: readonly string[]): string {
  const table = checkIdent('table', target.table);
  const { v4, v6 } = splitAddresses(addresses);
  return [
    ...replaceSet(target.family, table, checkIdent('set', target.setV4), v4),
    ...replaceSet(target.family, table, checkIdent('set', target.setV6), v6),
    '',
  ].join('\n');
}

/** The fact side of the planner: nothing to do when the kernel already holds exactly these. */
export function allowSetsDiffer(current: SplitAddresses, wanted: readonly string[]): boolean {
  const next = splitAddresses(wanted);
  const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  return !same([...current.v4].sort(), next.v4) || !same([...current.v6].sort(), next.v6);
}
