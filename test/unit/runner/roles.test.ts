import { describe, expect, it } from 'vitest';
import { IngressError } from '../../../src/errors.js';
import { loadPlaybook } from '../../../src/runner/playbook-load.js';
import { createTemplar } from '../../../src/template/templar.js';
import { FakeWorld, fakeModules, lookupIn } from './fake-world.js';
import { fixture, runFixture, sections } from './harness.js';

const HOSTS = {
  web1: { groups: ['web'], vars: { inventory_wins: 'inventory' } },
  web2: { groups: ['web'], vars: { inventory_wins: 'inventory' } },
};

function web1Log(world: FakeWorld): string[] {
  return world.log.filter((l) => l.startsWith('web1: ')).map((l) => l.slice('web1: '.length));
}

describe('roles', () => {
  it('runs dependencies, roles, include_role and handlers with role variables layered as Ansible does', async () => {
    const run = await runFixture('roles/site.yml', { templar: createTemplar(), hosts: HOSTS });
    expect(run.report.exitCode).toBe(0);
    expect(web1Log(run.world)).toEqual([
      'echo base default inventory base',
      'echo common on',
      'echo app 8080',
      'echo extra 80',
      'echo base default inventory base',
      'echo base handler base',
    ]);
    const titles = sections(run).map((s) => s.title);
    expect(titles).toContain('TASK [base : Say who we are]');
    expect(titles).toContain('TASK [app : Listen]');
    expect(titles).toContain('RUNNING HANDLER [base : base handler]');
  });

  it('selects a role by its tags', async () => {
    const run = await runFixture('roles/site.yml', {
      templar: createTemplar(),
      hosts: HOSTS,
      options: { tags: ['app'] },
    });
    expect(web1Log(run.world)).toEqual(['echo common on', 'echo app 8080']);
  });

  it('finds roles through roles_path of an ansible.cfg beside the playbook', async () => {
    const run = await runFixture('roles/cfg-path.yml', { templar: createTemplar() });
    expect(web1Log(run.world)).toEqual(['echo from the configured roles path']);
  });

  it('names the file, line and searched folders of a role that is nowhere', async () => {
    const lookupModule = lookupIn(fakeModules(new FakeWorld()));
    const err: unknown = await loadPlaybook(fixture('roles/missing-role.yml'), { lookupModule }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(IngressError);
    const e = err as IngressError;
    expect(e.message).toMatch(/the role 'nowhere' was not found in .*roles/);
    expect(e.location).toMatchObject({ file: fixture('roles/missing-role.yml'), line: 4, field: 'role' });
  });
});

describe('modules of other platforms', () => {
  it('skip where their when is false and fail, naming the module, where they would run', async () => {
    const run = await runFixture('roles/foreign.yml', {
      templar: createTemplar(),
      hosts: { web1: { groups: ['web'] }, web2: { groups: ['web'] } },
    });
    const failed = run.lines.filter((l) => l.startsWith('failed: '));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(/web2.*community\.general\.ufw.*not supported/);
    expect(run.lines.filter((l) => l.startsWith('skipping: '))).toHaveLength(3);
  });
});

describe('task keywords', () => {
  it('renders templated flags per host, loops over an include and runs run_once on one host', async () => {
    const world = new FakeWorld();
    world.respond = (_h, command) => ({ stdout: command, stderr: '', rc: command === 'false' ? 1 : 0 });
    const run = await runFixture('roles/flags.yml', { templar: createTemplar(), world });
    expect(run.report.exitCode).toBe(0);
    expect(run.lines.filter((l) => l.includes('...ignoring'))).toHaveLength(2);
    expect(web1Log(world)).toEqual(['false', 'echo looped a', 'echo looped b', 'echo once']);
    expect(world.log.filter((l) => l.endsWith('echo once'))).toHaveLength(1);
  });
});
