import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IngressError } from '../../../src/errors.js';
import { loadInventory } from '../../../src/inventory/load.js';
import { hostVars } from '../../../src/inventory/vars.js';

/** Writes the files into a fresh folder and returns the path of the first one. */
function setup(files: Record<string, string>): { dir: string; first: string } {
  const dir = mkdtempSync(join(tmpdir(), 'inv-err-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return { dir, first: join(dir, Object.keys(files)[0] ?? '') };
}

async function failure(files: Record<string, string>): Promise<{ err: IngressError; dir: string }> {
  const { dir, first } = setup(files);
  const err = await loadInventory([first]).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof IngressError)) throw new Error(`expected an IngressError, got ${String(err)}`);
  return { err, dir };
}

interface Case {
  name: string;
  files: Record<string, string>;
  message: RegExp;
  file: string;
  line: number;
  field?: string;
}

const CASES: Case[] = [
  {
    name: 'YAML syntax error',
    files: { 'hosts.yml': 'web:\n  hosts:\n    web1: {a: 1\n  vars: x\n' },
    message: /YAML syntax error/,
    file: 'hosts.yml',
    line: 4,
  },
  {
    name: 'hosts given as a list',
    files: { 'hosts.yml': 'all:\n  children:\n    web:\n      hosts:\n        - web1\n' },
    message: /'all.children.web.hosts' must be a mapping, found a list/,
    file: 'hosts.yml',
    line: 5,
    field: 'all.children.web.hosts',
  },
  {
    name: 'host entry that is a string',
    files: { 'hosts.yml': 'web:\n  hosts:\n    web1: 10.0.0.1\n' },
    message: /host 'web1' must be a mapping of variables or empty, found string "10.0.0.1"/,
    file: 'hosts.yml',
    line: 3,
    field: 'web.hosts.web1',
  },
  {
    name: 'misspelled section in a group',
    files: { 'hosts.yml': 'web:\n  host:\n    web1:\n' },
    message: /unexpected key 'host' in group 'web'; did you mean 'hosts'\?/,
    file: 'hosts.yml',
    line: 2,
    field: 'web.host',
  },
  {
    name: 'unknown connection variable on a YAML host',
    files: { 'hosts.yml': 'web:\n  hosts:\n    web1:\n      color: red\n      ansible_hots: 10.0.0.1\n' },
    message: /unknown connection variable 'ansible_hots'; did you mean 'ansible_host'\?/,
    file: 'hosts.yml',
    line: 5,
    field: 'web.hosts.web1.ansible_hots',
  },
  {
    name: 'unknown connection variable in YAML group vars',
    files: { 'hosts.yml': 'all:\n  vars:\n    ansible_ssh_private_keyfile: k\n' },
    message: /did you mean 'ansible_ssh_private_key_file'\?/,
    file: 'hosts.yml',
    line: 3,
    field: 'all.vars.ansible_ssh_private_keyfile',
  },
  {
    name: 'connection plugin we do not have',
    files: { 'hosts.ini': '[win]\nbox ansible_connection=winrm\n' },
    message: /ansible_connection must be one of ssh, local, got "winrm"/,
    file: 'hosts.ini',
    line: 2,
    field: 'box.ansible_connection',
  },
  {
    name: 'unknown connection variable in INI group vars',
    files: { 'hosts.ini': '[web]\nweb1\n\n[web:vars]\nansible_becom=true\n' },
    message: /unknown connection variable 'ansible_becom'; did you mean 'ansible_become'\?/,
    file: 'hosts.ini',
    line: 5,
    field: 'web:vars.ansible_becom',
  },
  {
    name: 'unknown connection variable in group_vars/',
    files: { 'hosts.ini': '[web]\nweb1\n', 'group_vars/web/10-main.yml': 'port: 1\nansible_usr: root\n' },
    message: /unknown connection variable 'ansible_usr'; did you mean 'ansible_user'\?/,
    file: 'group_vars/web/10-main.yml',
    line: 2,
    field: 'ansible_usr',
  },
  {
    name: 'host_vars file that is a list',
    files: { 'hosts.ini': 'web1\n', 'host_vars/web1.yml': '- a\n- b\n' },
    message: /a vars file must hold a mapping, found a list/,
    file: 'host_vars/web1.yml',
    line: 1,
  },
  {
    name: 'INI section of unknown type',
    files: { 'hosts.ini': '[web]\nweb1\n[web:child]\ndb\n' },
    message: /section \[web:child\] has unknown type 'child'/,
    file: 'hosts.ini',
    line: 3,
  },
  {
    name: 'INI children naming an undefined group',
    files: { 'hosts.ini': '[app:children]\nweb\n' },
    message: /section \[app:children\] names undefined group 'web'/,
    file: 'hosts.ini',
    line: 2,
    field: 'web',
  },
  {
    name: 'INI host variable without =',
    files: { 'hosts.ini': '[web]\nweb1 ansible_host 10.0.0.1\n' },
    message: /expected key=value host variable, got 'ansible_host'/,
    file: 'hosts.ini',
    line: 2,
  },
  {
    name: 'bad host range',
    files: { 'hosts.ini': '[web]\nweb[01:3]\n' },
    message: /equal-length begin and end/,
    file: 'hosts.ini',
    line: 2,
    field: 'web[01:3]',
  },
  {
    name: 'group loop',
    files: { 'hosts.ini': '[a:children]\nb\n[b:children]\na\n' },
    message: /creates a loop/,
    file: 'hosts.ini',
    line: 4,
  },
];

describe('loadInventory refuses bad input with file, line and field', () => {
  it.each(CASES)('$name', async ({ files, message, file, line, field }) => {
    const { err, dir } = await failure(files);
    expect(err.code).toBe('E_INVENTORY');
    expect(err.message).toMatch(message);
    expect(err.location?.file).toBe(join(dir, file));
    expect(err.location?.line).toBe(line);
    if (field !== undefined) expect(err.location?.field).toBe(field);
  });

  it('lets a templated ansible_connection through for the runner to check', async () => {
    const dir = setup({ 'hosts.ini': 'h ansible_connection="{{ conn }}"\n' }).first;
    const inventory = await loadInventory([dir]);
    expect(inventory.hosts.get('h')?.vars.ansible_connection).toBe('{{ conn }}');
  });

  it('names a missing inventory', async () => {
    const err = await loadInventory(['/nonexistent/hosts.yml']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IngressError);
    expect((err as IngressError).location?.file).toBe('/nonexistent/hosts.yml');
  });

  it('checks playbook-dir vars files too', async () => {
    const { dir, first } = setup({
      'inv/hosts.ini': 'web1\n',
      'play/host_vars/web1.yml': 'ansible_prot: 22\n',
    });
    const inventory = await loadInventory([first]);
    expect(() => hostVars(inventory, 'web1', { playbookDir: join(dir, 'play') })).toThrow(
      /unknown connection variable 'ansible_prot'; did you mean 'ansible_port'\?/,
    );
  });
});
