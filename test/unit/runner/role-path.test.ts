import { afterEach, describe, expect, it, vi } from 'vitest';
import { findRole, roleSearchPaths, rolesPathFromCfg } from '../../../src/runner/role-path.js';
import { withEnvironment } from '../../../src/runner/host-flags.js';
import type { ExecOptions } from '../../../src/transport/types.js';
import { fixture } from './harness.js';

describe('role search paths', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('reads roles_path from the [defaults] section only', () => {
    expect(rolesPathFromCfg('[ssh_connection]\nroles_path = x\n[defaults]\nroles_path = ./a:/b\n')).toEqual([
      './a',
      '/b',
    ]);
    expect(rolesPathFromCfg('[defaults]\nforks = 5\n')).toEqual([]);
  });

  it('puts roles/ beside the playbook first, then ANSIBLE_ROLES_PATH, then the playbook folder', () => {
    vi.stubEnv('ANSIBLE_ROLES_PATH', '/opt/roles:/srv/roles');
    expect(roleSearchPaths('/play', '/cwd')).toEqual(['/play/roles', '/opt/roles', '/srv/roles', '/play']);
  });

  it('finds a galaxy-style name by its last part, and nothing for a missing role', () => {
    const paths = [fixture('roles/roles')];
    expect(findRole('acme.base', paths)).toBe(fixture('roles/roles/base'));
    expect(findRole('nowhere', paths)).toBeUndefined();
  });
});

describe('environment keyword', () => {
  it("passes the task's environment with every command, the command's own winning", async () => {
    const seen: (ExecOptions | undefined)[] = [];
    const remote = withEnvironment(
      {
        hostName: 'h',
        exec: async (_c, options) => {
          seen.push(options);
          return { stdout: '', stderr: '', rc: 0 };
        },
        put: async () => undefined,
        get: async () => Buffer.from(''),
      },
      { HTTP_PROXY: 'http://proxy:3128', LANG: 'C' },
    );
    await remote.exec('apt-get update', { env: { LANG: 'C.UTF-8' } });
    expect(seen[0]?.env).toEqual({ HTTP_PROXY: 'http://proxy:3128', LANG: 'C.UTF-8' });
  });
});
