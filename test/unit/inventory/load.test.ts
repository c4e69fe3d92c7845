import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandHostPattern } from '../../../src/inventory/host-range.js';
import { parseIniValue } from '../../../src/inventory/ini-value.js';
import { loadInventory } from '../../../src/inventory/load.js';

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'inv-load-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('expandHostPattern', () => {
  it.each([
    ['web1', { names: ['web1'] }],
    ['web[01:03]', { names: ['web01', 'web02', 'web03'] }],
    ['web[8:10]', { names: ['web8', 'web9', 'web10'] }],
    ['db-[a:c].lan', { names: ['db-a.lan', 'db-b.lan', 'db-c.lan'] }],
    ['n[1:7:3]', { names: ['n1', 'n4', 'n7'] }],
    ['r[1:2]-[a:b]', { names: ['r1-a', 'r1-b', 'r2-a', 'r2-b'] }],
    ['web[1:2]:2222', { names: ['web1', 'web2'], port: 2222 }],
    ['host:22', { names: ['host'], port: 22 }],
    ['fe80::1', { names: ['fe80::1'] }],
    ['[fe80::1]:2222', { names: ['fe80::1'], port: 2222 }],
  ])('%s', (pattern, expected) => {
    expect(expandHostPattern(pattern)).toEqual(expected);
  });

  it.each([
    ['web[3:1]', /begin <= end/],
    ['web[c:a]', /begin <= end/],
    ['web[1:]', /end value/],
    ['web:', /only a port/],
  ])('refuses %s', (pattern, message) => {
    expect(() => expandHostPattern(pattern)).toThrow(message);
  });
});

describe('parseIniValue (Python literal_eval rules)', () => {
  it.each([
    ['22', 22],
    ['-3', -3],
    ['010', '010'],
    ['1.5', 1.5],
    ['1e3', 1000],
    ['True', true],
    ['False', false],
    ['true', 'true'],
    ['None', null],
    ["'two words'", 'two words'],
    ['"tab\\there"', 'tab\there'],
    ['0.0.0.0', '0.0.0.0'],
    ['[1, 2]', [1, 2]],
    ['(1)', 1],
    ['(1,)', [1]],
    ["{'a': [True, None], 2: 'x'}", { a: [true, null], '2': 'x' }],
    ['1 # comment', 1],
    ['abc # comment', 'abc # comment'],
    ['0x1F', 31],
    ['[1,', '[1,'],
    ['', ''],
  ])('%j -> %j', (raw, expected) => {
    expect(parseIniValue(raw)).toEqual(expected);
  });
});

describe('loadInventory', () => {
  it('always has all and ungrouped, even for an inventory of comments', async () => {
    const dir = folder({ 'hosts.ini': '# nothing yet\n; still nothing\n' });
    const inventory = await loadInventory([join(dir, 'hosts.ini')]);
    expect([...inventory.groups.keys()]).toEqual(['all', 'ungrouped']);
    expect(inventory.groups.get('all')?.children).toEqual(['ungrouped']);
  });

  it('reads an extension-less file as YAML when it is a YAML mapping, else as INI', async () => {
    const dir = folder({ yamlish: 'web:\n  hosts:\n    w1:\n', iniish: '[db]\nd1\n' });
    const inventory = await loadInventory([join(dir, 'yamlish'), join(dir, 'iniish')]);
    expect(inventory.groups.get('web')?.hosts).toEqual(['w1']);
    expect(inventory.groups.get('db')?.hosts).toEqual(['d1']);
  });

  it('takes a host out of ungrouped once a later source puts it in a group', async () => {
    const dir = folder({ 'a.ini': 'h1\n', 'b.yml': 'web:\n  hosts:\n    h1:\n' });
    const inventory = await loadInventory([join(dir, 'a.ini'), join(dir, 'b.yml')]);
    expect(inventory.groups.get('ungrouped')?.hosts).toEqual([]);
    expect(inventory.groups.get('all')?.children).toEqual(['ungrouped', 'web']);
  });

  it('reads YAML the way PyYAML does: yes/on are booleans, y stays a string', async () => {
    const dir = folder({
      'hosts.yml': 'all:\n  vars: {a: yes, b: on, c: y, d: n, e: "yes"}\n  hosts:\n    h:\n',
    });
    const inventory = await loadInventory([join(dir, 'hosts.yml')]);
    expect(inventory.groups.get('all')?.vars).toEqual({ a: true, b: true, c: 'y', d: 'n', e: 'yes' });
  });

  it('records where each host was first defined', async () => {
    const dir = folder({ 'hosts.ini': '\n[web]\nweb[1:2]\n' });
    const inventory = await loadInventory([join(dir, 'hosts.ini')]);
    expect(inventory.hosts.get('web2')?.source).toEqual({
      file: join(dir, 'hosts.ini'),
      line: 3,
      field: 'web2',
    });
  });

  it('skips hidden files, .ini files and group_vars when reading a folder, as Ansible does', async () => {
    const dir = folder({
      'inv/10-main.yml': 'web:\n  hosts:\n    w1:\n',
      'inv/.hidden.yml': 'ghost:\n  hosts:\n    g1:\n',
      'inv/old.ini': '[old]\no1\n',
      'inv/group_vars/web.yml': 'port: 80\n',
    });
    const inventory = await loadInventory([join(dir, 'inv')]);
    expect([...inventory.hosts.keys()]).toEqual(['w1']);
    expect(inventory.adjacentVars?.[0]?.groups.get('web')).toEqual({ port: 80 });
  });
});
