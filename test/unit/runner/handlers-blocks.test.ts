import { describe, expect, it } from 'vitest';
import { FakeWorld } from './fake-world.js';
import { runFixture, sections } from './harness.js';

describe('handlers', () => {
  it('run once per host at the end of the play, in definition order, only where a task changed', async () => {
    const world = new FakeWorld();
    // web2 already has both files: its tasks report ok, so nothing is notified there.
    world.files.set('web2:/etc/app.conf', 'v1');
    world.files.set('web2:/etc/app.unit', 'unit');
    const run = await runFixture('handlers.yml', { world });
    expect(run.world.log).toEqual([
      'web1: echo last',
      'web2: echo last',
      'web1: reload',
      'web1: restart app',
    ]);
    const handlerTitles = sections(run)
      .map((s) => s.title)
      .filter((t) => t.startsWith('RUNNING HANDLER'));
    expect(handlerTitles).toEqual(['RUNNING HANDLER [reload]', 'RUNNING HANDLER [restart app]']);
    expect(
      sections(run)
        .find((s) => s.title === 'TASK [write config]')
        ?.lines.sort(),
    ).toEqual(['changed: [web1]', 'ok: [web2]']);
  });

  it('meta: flush_handlers runs notified handlers at that point', async () => {
    const run = await runFixture('handlers-flush.yml');
    expect(run.world.log).toEqual(['web1: restart app', 'web1: echo after']);
    expect(run.lines.filter((l) => l.startsWith('RUNNING HANDLER'))).toHaveLength(1);
  });

  it('serial flushes handlers at the end of each batch', async () => {
    const run = await runFixture('serial.yml', { hosts: { a: {}, b: {} } });
    expect(run.world.log.indexOf('a: restart')).toBeLessThan(run.world.log.indexOf('b: step one'));
  });
});

describe('block / rescue / always', () => {
  it('rescues the failing host, runs always everywhere, and counts rescued instead of failed', async () => {
    const world = new FakeWorld();
    world.respond = (host, command) => ({
      stdout: '',
      stderr: '',
      rc: (host === 'web1' && command === 'risky') || (host === 'web2' && command === 'second risky') ? 1 : 0,
    });
    const run = await runFixture('blocks.yml', { world });
    const of = (host: string) =>
      run.world.log.filter((l) => l.startsWith(`${host}:`)).map((l) => l.slice(host.length + 2));
    expect(of('web1')).toEqual(['risky', 'recover', 'cleanup', 'second risky', 'always', 'end']);
    expect(of('web2')).toEqual(['risky', 'after risky', 'cleanup', 'second risky', 'always']);
    expect(run.report.stats.web1).toMatchObject({ failed: 0, rescued: 1 });
    expect(run.report.stats.web2).toMatchObject({ failed: 1, rescued: 0 });
    expect(run.report.exitCode).toBe(2);
    expect(run.report.failedHosts).toEqual(['web2']);
  });

  it('a failing rescue fails the host', async () => {
    const world = new FakeWorld();
    world.respond = (_host, command) => ({
      stdout: '',
      stderr: '',
      rc: ['risky', 'recover'].includes(command) ? 1 : 0,
    });
    const run = await runFixture('blocks.yml', { world, hosts: { web1: { groups: ['web'] } } });
    expect(run.world.log).toEqual(['web1: risky', 'web1: recover', 'web1: cleanup']);
    expect(run.report.stats.web1).toMatchObject({ failed: 1, rescued: 1 });
    expect(run.report.exitCode).toBe(2);
  });
});

describe('includes and imports', () => {
  it('finds task files in tasks/, applies the include when to its tasks, and imports playbooks', async () => {
    const run = await runFixture('include.yml');
    const included = sections(run).find((s) => s.title === 'TASK [from include]');
    expect(included?.lines.sort()).toEqual(['changed: [web1]', 'skipping: [web2]']);
    expect(run.world.log.filter((l) => l.endsWith('echo first')).sort()).toEqual([
      'web1: echo first',
      'web2: echo first',
    ]);
    expect(run.lines.filter((l) => l.startsWith('PLAY ['))).toHaveLength(2);
  });
});

describe('handlers in task files, and YAML anchors', () => {
  it('runs imported and included handlers by their names, the include by its name with its when', async () => {
    const run = await runFixture('handlers-include.yml');
    expect(run.world.log).toEqual([
      'web1: echo done',
      'web2: echo done',
      'web1: echo done',
      'web2: echo done',
      'web1: restart app',
      'web2: restart app',
      'web1: nft -c rules',
      'web1: nft -f rules',
    ]);
    expect(run.world.files.get('web1:/etc/app.conf')).toBe('v1');
    expect(run.world.files.get('web1:/etc/app.unit')).toBe('v1');
    expect(run.report.exitCode).toBe(0);
  });
});
