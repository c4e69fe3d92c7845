import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../../src/inventory/load.js';
import { selectHosts, selectHostsDetailed, splitPattern } from '../../../src/inventory/patterns.js';
import type { Inventory } from '../../../src/inventory/types.js';

const CASE = join(import.meta.dirname, '../../fixtures/inventory/patterns');
/** Recorded with `ansible -i hosts.ini PATTERN --list-hosts` by record.sh. */
const TABLE = JSON.parse(readFileSync(join(CASE, 'expected-patterns.json'), 'utf8')) as Array<{
  pattern: string;
  hosts: string[];
}>;

let inventory: Inventory;
beforeAll(async () => {
  inventory = await loadInventory([join(CASE, 'hosts.ini')]);
});

describe('selectHosts matches ansible --list-hosts, hosts and order', () => {
  it.each(TABLE)('$pattern', ({ pattern, hosts }) => {
    expect(selectHosts(inventory, pattern)).toEqual(hosts);
  });
});

describe('selectHosts', () => {
  it('takes a list of patterns the way a play hosts: list or --limit does', () => {
    expect(selectHosts(inventory, ['app', '!db', '&edge'])).toEqual(['web02']);
  });

  it('reports the names that matched nothing, but not an empty group', () => {
    expect(selectHostsDetailed(inventory, 'nosuch:web:empty:!ghost')).toEqual({
      hosts: ['web01', 'web02', 'web03'],
      unmatched: ['nosuch', 'ghost'],
    });
  });

  it('selects nothing for an empty pattern rather than everything', () => {
    expect(selectHosts(inventory, '')).toEqual([]);
    expect(selectHosts(inventory, [])).toEqual([]);
    expect(selectHosts(inventory, ' , ')).toEqual([]);
  });

  it('refuses a subscript past the end', () => {
    expect(() => selectHosts(inventory, 'db[5]')).toThrow(
      /no hosts matched the subscripted pattern 'db\[5\]'/,
    );
  });

  it('refuses an invalid regex with the pattern named', () => {
    expect(() => selectHosts(inventory, '~web(')).toThrow(/invalid host pattern regex '~web\('/);
  });
});

describe('splitPattern', () => {
  it.each([
    ['web:db', ['web', 'db']],
    ['web,db:x', ['web', 'db:x']],
    [' web , !db ', ['web', '!db']],
    ['web[1:2]:&db', ['web[1:2]', '&db']],
    ['web[1:2]', ['web[1:2]']],
    ['fe80::1', ['fe80::1']],
    ['host:22', ['host:22']],
    [
      ['a:b', 'c'],
      ['a', 'b', 'c'],
    ],
  ] as Array<[string | string[], string[]]>)('%j -> %j', (input, expected) => {
    expect(splitPattern(input)).toEqual(expected);
  });
});
