import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toAnsibleGraph, toAnsibleListJson } from '../../../src/inventory/list.js';
import { loadInventory } from '../../../src/inventory/load.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/inventory');
const cases = readdirSync(FIXTURES).filter((name) => existsSync(join(FIXTURES, name, 'sources')));

/** Arrays of names compare as sets where Ansible's own order is not defined; everything else exactly. */
function sources(name: string): string[] {
  return readFileSync(join(FIXTURES, name, 'sources'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => join(FIXTURES, name, line.trim()));
}

describe('toAnsibleListJson matches ansible-inventory --list', () => {
  it('has at least six recorded cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(6);
  });

  it.each(cases)('%s', async (name) => {
    const expected: unknown = JSON.parse(readFileSync(join(FIXTURES, name, 'expected.json'), 'utf8'));
    const inventory = await loadInventory(sources(name));
    expect(toAnsibleListJson(inventory)).toEqual(expected);
  });
});

describe('toAnsibleGraph', () => {
  it('draws child groups before the group own hosts, as ansible-inventory --graph does', async () => {
    const inventory = await loadInventory(sources('yaml-basic'));
    expect(toAnsibleGraph(inventory).split('\n')).toEqual([
      '@all:',
      '  |--@ungrouped:',
      '  |  |--bastion',
      '  |--@ingress:',
      '  |  |--ingress-1',
      '  |  |--ingress-2',
      '  |--@home:',
      '  |  |--local-proxy',
      '  |--@lonely:',
      '  |  |--spare',
    ]);
  });
});
