import { describe, expect, it } from 'vitest';
import { IngressError } from '../../../src/errors.js';
import { loadPlaybook } from '../../../src/runner/playbook-load.js';
import { createTemplar } from '../../../src/template/templar.js';
import { FakeWorld, fakeModules, lookupIn } from './fake-world.js';
import { fixture, hostLines, runFixture } from './harness.js';

const hosts = {
  web1: { groups: ['web'], vars: { os_family: 'Debian' } },
  web2: { groups: ['web'], vars: { os_family: 'RedHat' } },
};
const of = (world: FakeWorld, host: string) =>
  world.log.filter((l) => l.startsWith(`${host}: `)).map((l) => l.slice(host.length + 2));

describe('templated include and import names', () => {
  it('imports render at load time, includes per host when they run', async () => {
    const run = await runFixture('templated/site.yml', {
      hosts,
      templar: createTemplar(),
      options: { extraVars: { first_role: 'web_debian' } },
    });
    expect(run.report.exitCode).toBe(0);
    expect(of(run.world, 'web1')).toEqual([
      'static static',
      'debian 0',
      'debian 1',
      'debian 2',
      'role debian',
      'role debian',
    ]);
    expect(of(run.world, 'web2')).toEqual([
      'static static',
      'redhat 0',
      'redhat 1',
      'redhat 2',
      'role redhat',
      'role debian',
    ]);
  });

  it('refuses an import whose name needs host variables, naming the rule', async () => {
    const lookupModule = lookupIn(fakeModules(new FakeWorld()));
    const err: unknown = await loadPlaybook(fixture('templated/import-facts.yml'), { lookupModule }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(IngressError);
    expect((err as IngressError).code).toBe('E_PLAYBOOK');
    expect((err as IngressError).location).toMatchObject({ line: 4, field: 'import_tasks' });
    expect((err as IngressError).message).toMatch(/not facts or inventory variables/);
  });

  it('fails only the host whose rendered file does not exist', async () => {
    const run = await runFixture('templated/missing-late.yml', {
      hosts: { ...hosts, web2: { groups: ['web'], vars: { os_family: 'Suse' } } },
      templar: createTemplar(),
    });
    expect(run.report.exitCode).toBe(2);
    expect(of(run.world, 'web1')).toEqual(['debian 0', 'after']);
    expect(of(run.world, 'web2')).toEqual([]);
    expect(hostLines(run).join('\n')).toMatch(/failed: \[web2\] => .*task file 'tasks\/Suse.yml' not found/);
  });
});
