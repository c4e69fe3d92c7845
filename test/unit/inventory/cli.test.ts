import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const FIXTURES = join(import.meta.dirname, '../../fixtures/inventory');
const ENTRY = join(import.meta.dirname, 'cli-entry.ts');

function ingress(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', ENTRY, 'inventory', ...args], {
    encoding: 'utf8',
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const expected = (name: string): { _meta: { hostvars: Record<string, unknown> } } =>
  JSON.parse(readFileSync(join(FIXTURES, name, 'expected.json'), 'utf8'));

describe('ingress inventory', () => {
  it('--list prints what ansible-inventory --list prints, 2-space indented', () => {
    const dir = join(FIXTURES, 'multi-source');
    const run = ingress('--list', '-i', join(dir, 'a/hosts.yml'), '-i', join(dir, 'b/hosts.ini'));
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(expected('multi-source'));
    expect(run.stdout).toMatch(/^\{\n {2}"/);
  });

  it("--host prints one host's vars", () => {
    const run = ingress('--host', 'web1', '-i', join(FIXTURES, 'vars-files/hosts.yml'));
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(expected('vars-files')._meta.hostvars.web1);
  });

  it('--graph draws the tree', () => {
    const run = ingress('--graph', '-i', join(FIXTURES, 'folder/inventory'));
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('  |--@edge:\n  |  |--@ingress:\n  |  |  |--ingress-1\n');
  });

  it('fails with exit code 65 and names file and line on a bad inventory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'inv-cli-'));
    writeFileSync(join(dir, 'hosts.yml'), 'web:\n  hosts:\n    w1:\n      ansible_uesr: root\n');
    const run = ingress('--list', '-i', join(dir, 'hosts.yml'));
    expect(run.status).toBe(65);
    expect(run.stderr).toContain(
      `${join(dir, 'hosts.yml')}:4 (web.hosts.w1.ansible_uesr): unknown connection variable`,
    );
    expect(run.stdout).toBe('');
  });

  it('refuses to run without a mode', () => {
    const run = ingress('-i', join(FIXTURES, 'folder/inventory'));
    expect(run.status).toBe(64);
    expect(run.stderr).toContain('use exactly one of --list, --host NAME, --graph');
  });
});
