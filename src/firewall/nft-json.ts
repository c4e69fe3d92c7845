import { IngressError } from '../errors.js';
import type { Fact } from '../facts/types.js';
import type { ExecResult } from '../transport/types.js';
import { checkIdent } from './plan.js';

export interface NftSetContents {
  family: string;
  table: string;
  name: string;
  type: string;
  elements: string[];
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** nft writes plain addresses as strings, prefixes and ranges as objects, and timed elements wrapped. */
function elementText(elem: unknown): string {
  if (typeof elem === 'string' || typeof elem === 'number') return String(elem);
  if (!isObject(elem))
    throw new IngressError('E_FIREWALL', `unexpected set element: ${JSON.stringify(elem)}`);
  if (isObject(elem.elem)) return elementText(elem.elem.val);
  if (isObject(elem.prefix)) return `${elementText(elem.prefix.addr)}/${String(elem.prefix.len)}`;
  if (Array.isArray(elem.range)) return elem.range.map(elementText).join('-');
  throw new IngressError('E_FIREWALL', `unexpected set element: ${JSON.stringify(elem)}`);
}

/** Parses `nft -j list set <family> <table> <set>`: the set's type and its current elements. */
export function parseNftSetJson(output: string): NftSetContents {
  let doc: unknown;
  try {
    doc = JSON.parse(output);
  } catch (cause) {
    throw new IngressError('E_FIREWALL', 'nft -j output is not JSON', { cause });
  }
  const items = isObject(doc) && Array.isArray(doc.nftables) ? (doc.nftables as unknown[]) : [];
  const set = items.map((item) => (isObject(item) ? item.set : undefined)).find(isObject);
  if (!set) throw new IngressError('E_FIREWALL', 'nft -j output holds no set');
  const elem = Array.isArray(set.elem) ? (set.elem as unknown[]) : [];
  return {
    family: String(set.family),
    table: String(set.table),
    name: String(set.name),
    type: String(set.type),
    elements: elem.map(elementText).sort(),
  };
}

/** A fact reading one set; a set (or table) that does not exist yet reads as null. */
export function nftSetFact(family: 'inet', table: string, set: string): Fact<NftSetContents | null> {
  return {
    name: `nft set ${family} ${table} ${set}`,
    command: () => `nft -j list set ${family} ${checkIdent('table', table)} ${checkIdent('set', set)}`,
    parse: (result: ExecResult) => {
      if (result.rc !== 0) {
        if (/No such file or directory/.test(result.stderr)) return null;
        throw new IngressError('E_FIREWALL', `nft list set failed: ${result.stderr.trim()}`);
      }
      return parseNftSetJson(result.stdout);
    },
  };
}
