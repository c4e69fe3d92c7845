import { afterEach, describe, expect, it, vi } from 'vitest';
import { IngressError } from '../../../src/errors.js';
import { fixture } from './harness.js';
import { playCli as play } from './play-cli.js';

describe('ingress play --syntax-check and --list-tasks', () => {
  afterEach(() => vi.restoreAllMocks());

  it('--syntax-check prints the playbook as ansible-playbook does, without an inventory', async () => {
    const { code, out } = await play(fixture('roles/site.yml'), '--syntax-check');
    expect(code).toBe(0);
    expect(out).toBe(`\nplaybook: ${fixture('roles/site.yml')}\n`);
  });

  it('--syntax-check fails with the load error of a broken playbook', async () => {
    const err: unknown = await play(fixture('roles/missing-role.yml'), '--syntax-check').catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(IngressError);
    expect((err as IngressError).message).toMatch(/the role 'nowhere' was not found/);
  });

  it('--list-tasks lists role tasks as "role : name" with their tags', async () => {
    const { code, out } = await play(fixture('roles/site.yml'), '--list-tasks');
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines[3]).toBe(
      '  play #1 (web): Roles with parameters, conditions, dependencies and handlers\tTAGS: []',
    );
    expect(lines.slice(4, 12)).toEqual([
      '    tasks:',
      '      base : Say who we are\tTAGS: []',
      '      common : command\tTAGS: [app]',
      '      app : Role vars beat play vars, parameters beat defaults\tTAGS: [app]',
      '      app : Listen\tTAGS: [app]',
      '      skipped : command\tTAGS: []',
      "      The role's extra task file, with the role's defaults\tTAGS: []",
      '      base : Say who we are\tTAGS: []',
    ]);
  });

  it('--list-tasks honours --tags', async () => {
    const { out } = await play(fixture('roles/site.yml'), '--list-tasks', '--tags', 'app');
    expect(out.split('\n').filter((l) => l.startsWith('      '))).toHaveLength(3);
  });
});
