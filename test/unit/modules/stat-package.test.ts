import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dpkgFact } from '../../../src/facts/apt.js';
import { parseAptArgs, planApt, versionMatches } from '../../../src/modules/apt.js';
import { includeVarsModule } from '../../../src/modules/include-vars.js';
import { toAptArgs } from '../../../src/modules/package.js';
import { parseStatArgs, parseStatResult } from '../../../src/modules/stat.js';
import { fixture } from '../facts/fixture.js';
import { makeCtx, ScriptedRemote } from './fakes.js';

describe('stat module', () => {
  it("reports Ansible's stat keys for a file and a link", () => {
    const file = parseStatResult(
      fixture('stat-module-file'),
      parseStatArgs({ path: '/etc/ssh/sshd_config' }),
    );
    expect(file).toMatchObject({
      exists: true,
      isreg: true,
      isdir: false,
      mode: '0644',
      pw_name: 'root',
      size: 3223,
    });
    expect(file.checksum).toBe('4a1e1c0b4f7d2e0c9a3b8f6d5e4c3b2a1f0e9d8c');
    const link = parseStatResult(
      fixture('stat-module-link'),
      parseStatArgs({ path: '/etc/alternatives/editor' }),
    );
    expect(link).toMatchObject({ islnk: true, lnk_source: '/usr/bin/vim.basic' });
    expect(parseStatResult({ stdout: 'absent\n', stderr: '', rc: 0 }, parseStatArgs({ path: '/x' }))).toEqual(
      {
        exists: false,
      },
    );
  });
});

describe('apt version pins and the package module', () => {
  const facts = dpkgFact(['nodejs']).parse({
    stdout: 'nodejs\tinstall ok installed\t20.19.2+dfsg-1\n',
    stderr: '',
    rc: 0,
  });

  it('matches pins with wildcards against the installed version', () => {
    expect(versionMatches('20.19.2+dfsg-1', '20.*')).toBe(true);
    expect(versionMatches('18.19.0', '20.*')).toBe(false);
    expect(planApt(parseAptArgs({ name: 'nodejs=20.*' }), facts).changes).toEqual([]);
    expect(planApt(parseAptArgs({ name: 'nodejs=22.*' }), facts).changes).toEqual([
      { kind: 'install', names: ['nodejs=22.*'] },
    ]);
  });

  it('package is apt with name and state', () => {
    expect(toAptArgs({ name: ['fail2ban'], state: 'installed' })).toEqual({
      name: ['fail2ban'],
      state: 'present',
    });
    expect(() => toAptArgs({ name: 'x', use: 'yum' })).toThrow(/only apt/);
  });
});

describe('include_vars', () => {
  it("reads the role's vars file first and names the result when asked", async () => {
    const role = await mkdtemp(join(tmpdir(), 'role-'));
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(role, 'vars'));
    await writeFile(join(role, 'vars', 'Debian.yml'), 'packages: [nftables]\nenabled: yes\n');
    const ctx = makeCtx(new ScriptedRemote([]), { vars: { role_path: role } });
    const plain = await includeVarsModule.run({ _raw_params: 'Debian.yml' }, ctx);
    expect(plain.ansible_facts).toEqual({ packages: ['nftables'], enabled: true });
    const named = await includeVarsModule.run({ file: 'Debian.yml', name: 'os' }, ctx);
    expect(named.ansible_facts).toEqual({ os: { packages: ['nftables'], enabled: true } });
    const missing = await includeVarsModule.run({ file: 'RedHat.yml' }, ctx);
    expect(missing).toMatchObject({
      failed: true,
      msg: expect.stringMatching(/Could not find or access 'RedHat.yml'/),
    });
  });
});
