import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../../src/inventory/load.js';
import { hostVars } from '../../../src/inventory/vars.js';

const CASE = join(import.meta.dirname, '../../fixtures/inventory/precedence');
const RECORDED = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8', 'p9', 'depth', 'file_depth'];
const MAGIC = ['inventory_hostname', 'inventory_hostname_short', 'group_names', 'groups'];

function write(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

describe('hostVars precedence, as recorded from ansible-playbook', () => {
  const expected = JSON.parse(readFileSync(join(CASE, 'expected-hostvars.json'), 'utf8')) as Record<
    string,
    Record<string, unknown>
  >;

  it.each(Object.keys(expected))('%s sees what a real play sees', async (host) => {
    const inventory = await loadInventory([join(CASE, 'inventory/hosts.yml')]);
    const vars = hostVars(inventory, host, { playbookDir: join(CASE, 'playbook') });
    const picked = Object.fromEntries([...RECORDED, ...MAGIC].map((k) => [k, vars[k]]));
    expect(picked).toEqual(expected[host]);
  });

  it('leaves playbook-dir vars out when no playbook dir is given', async () => {
    const inventory = await loadInventory([join(CASE, 'inventory/hosts.yml')]);
    const vars = hostVars(inventory, 'h2');
    expect(vars.p4).toBe('L3');
    expect(vars.p6).toBe('L5');
  });
});

describe('hostVars', () => {
  it('orders same-depth groups by ansible_group_priority, then by name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inv-'));
    write(dir, {
      'hosts.yml': [
        'b_group: {hosts: {h: null}, vars: {who: b, prio: b}}',
        'a_group: {hosts: {h: null}, vars: {who: a, prio: a, ansible_group_priority: 5}}',
        'c_group: {hosts: {h: null}, vars: {who: c}}',
      ].join('\n'),
    });
    const vars = hostVars(await loadInventory([join(dir, 'hosts.yml')]), 'h');
    // depth 1 for all three: priority 1 (b, c by name) then a (priority 5) last.
    expect(vars.who).toBe('a');
    expect(vars).not.toHaveProperty('ansible_group_priority');
  });

  it('does not template values', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inv-'));
    write(dir, { 'hosts.ini': 'h greeting="{{ name }}"\n' });
    expect(hostVars(await loadInventory([join(dir, 'hosts.ini')]), 'h').greeting).toBe('{{ name }}');
  });

  it('names the inventory file and folder of the host', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inv-'));
    write(dir, { 'hosts.ini': '[web]\nweb1\n' });
    const vars = hostVars(await loadInventory([join(dir, 'hosts.ini')]), 'web1');
    expect(vars.inventory_file).toBe(join(dir, 'hosts.ini'));
    expect(vars.inventory_dir).toBe(dir);
    expect(vars.group_names).toEqual(['web']);
  });

  it('returns a copy the caller may change freely', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inv-'));
    write(dir, { 'hosts.yml': 'web: {hosts: {w: null}, vars: {list: [1]}}\n' });
    const inventory = await loadInventory([join(dir, 'hosts.yml')]);
    (hostVars(inventory, 'w').list as number[]).push(2);
    expect(hostVars(inventory, 'w').list).toEqual([1]);
  });

  it('refuses an unknown host', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inv-'));
    write(dir, { 'hosts.ini': 'a\n' });
    const inventory = await loadInventory([join(dir, 'hosts.ini')]);
    expect(() => hostVars(inventory, 'nope')).toThrow(/unknown host 'nope'/);
  });
});
