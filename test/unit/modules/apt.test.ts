import { describe, expect, it } from 'vitest';
import { aptPolicyFact, dpkgFact } from '../../../src/facts/apt.js';
import { aptCommands, aptModule, needsCacheUpdate, parseAptArgs, planApt } from '../../../src/modules/apt.js';
import { fixture } from '../facts/fixture.js';
import { makeCtx, ok, ScriptedRemote } from './fakes.js';

const NAMES = ['haproxy', 'hello', 'no-such-package'];
const installed = dpkgFact(NAMES).parse(fixture('dpkg-query'));
const policy = aptPolicyFact(NAMES).parse(fixture('apt-policy'));

describe('apt planner, from recorded dpkg facts', () => {
  it('present: installs only what is missing', () => {
    expect(planApt(parseAptArgs({ name: ['haproxy', 'hello'] }), installed).changes).toEqual([
      { kind: 'install', names: ['hello'] },
    ]);
    const plan = planApt(parseAptArgs({ name: 'haproxy' }), installed);
    expect(plan).toEqual({ changes: [], reason: 'packages are already present' });
  });

  it('absent: removes what is installed, purges leftover config with purge', () => {
    expect(planApt(parseAptArgs({ name: 'haproxy,hello', state: 'absent' }), installed).changes).toEqual([
      { kind: 'remove', names: ['haproxy'], purge: false },
    ]);
    const leftovers = { hello: { name: 'hello', status: 'config-files' as const } };
    expect(planApt(parseAptArgs({ name: 'hello', state: 'absent' }), leftovers).changes).toEqual([]);
    expect(planApt(parseAptArgs({ name: 'hello', state: 'absent', purge: true }), leftovers).changes).toEqual(
      [{ kind: 'remove', names: ['hello'], purge: true }],
    );
  });

  it('latest: upgrades only when the candidate differs', () => {
    expect(planApt(parseAptArgs({ name: ['haproxy', 'hello'], state: 'latest' }), policy).changes).toEqual([
      { kind: 'install', names: ['hello'] },
    ]);
    const old = {
      haproxy: { name: 'haproxy', status: 'installed' as const, version: '2.6.12-1', candidate: '2.6.12-2' },
    };
    expect(planApt(parseAptArgs({ name: 'haproxy', state: 'latest' }), old).changes).toEqual([
      { kind: 'upgrade', names: ['haproxy'] },
    ]);
  });

  it('commands are noninteractive and keep local config files', () => {
    const [install, remove] = aptCommands([
      { kind: 'install', names: ['hello'] },
      { kind: 'remove', names: ['sl'], purge: true },
    ]);
    expect(install).toMatch(/^DEBIAN_FRONTEND=noninteractive apt-get -y .*--force-confold install hello$/);
    expect(remove).toMatch(/ remove --purge sl$/);
  });

  it('cache_valid_time compares the last update with the host clock', () => {
    const args = parseAptArgs({ update_cache: true, cache_valid_time: 3600 });
    expect(needsCacheUpdate(args, { updatedS: 1000, nowS: 1000 + 3600 })).toBe(false);
    expect(needsCacheUpdate(args, { updatedS: 1000, nowS: 1000 + 3601 })).toBe(true);
    expect(needsCacheUpdate(args, { nowS: 5 })).toBe(true);
    expect(needsCacheUpdate(parseAptArgs({ name: 'x' }), { nowS: 5 })).toBe(false);
  });

  it('validation names the field', () => {
    expect(() => parseAptArgs({ name: 'ok; rm -rf /' })).toThrow(
      expect.objectContaining({ code: 'E_VALIDATION', location: { file: 'apt', field: 'name[0]' } }),
    );
    expect(() => parseAptArgs({ name: 'x', state: 'installed' })).toThrow(
      /state: must be one of present, absent, latest/,
    );
    expect(() => parseAptArgs({})).toThrow(/name: name or update_cache is required/);
    expect(() => parseAptArgs({ name: 'x', autoclean: true })).toThrow(/autoclean: unsupported parameter/);
  });
});

describe('apt module run', () => {
  it('check mode reports changed and runs no apt-get', async () => {
    const remote = new ScriptedRemote([[/^dpkg-query/, fixture('dpkg-query')]]);
    const res = await aptModule.run({ name: ['hello', 'haproxy'] }, makeCtx(remote, { check: true }));
    expect(res).toMatchObject({ changed: true, msg: 'install hello' });
    expect(remote.commands.some((c) => c.includes('apt-get'))).toBe(false);
  });

  it('a fresh cache is not updated; installs run and report their output', async () => {
    const remote = new ScriptedRemote([
      [/update-success-stamp/, fixture('apt-cache')],
      [/^dpkg-query/, fixture('dpkg-query')],
      [/apt-get .*install hello$/, ok('Setting up hello (2.10-3) ...\n')],
    ]);
    const res = await aptModule.run(
      { name: 'hello', update_cache: true, cache_valid_time: 60 },
      makeCtx(remote),
    );
    expect(res).toMatchObject({
      changed: true,
      cache_updated: false,
      stdout_lines: ['Setting up hello (2.10-3) ...'],
    });
    expect(remote.commands.some((c) => c.includes('apt-get update'))).toBe(false);
  });

  it('a failing apt-get fails the task with its stderr', async () => {
    const remote = new ScriptedRemote([
      [/^dpkg-query/, fixture('dpkg-query')],
      [/apt-get/, { stdout: '', stderr: 'E: Unable to locate package hello', rc: 100 }],
    ]);
    const res = await aptModule.run({ name: 'hello' }, makeCtx(remote));
    expect(res).toMatchObject({ failed: true, rc: 100 });
    expect(res.msg).toContain('Unable to locate package hello');
  });
});
