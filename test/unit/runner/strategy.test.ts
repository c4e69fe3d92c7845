import { describe, expect, it } from 'vitest';
import { FakeWorld } from './fake-world.js';
import { hostLines, runFixture } from './harness.js';

const hostsNamed = (...names: string[]) => Object.fromEntries(names.map((n) => [n, { groups: ['web'] }]));

describe('linear strategy', () => {
  it('runs each task on every host before the next task starts', async () => {
    const run = await runFixture('linear.yml');
    expect(run.world.log.slice(0, 2).sort()).toEqual(['web1: echo first', 'web2: echo first']);
    expect(run.world.log.slice(2).sort()).toEqual(['web1: echo second', 'web2: echo second']);
    expect(run.report.exitCode).toBe(0);
  });

  it('keeps at most `forks` hosts busy at once', async () => {
    const hosts = hostsNamed('h1', 'h2', 'h3', 'h4', 'h5');
    const limited = await runFixture('forks.yml', { hosts, options: { forks: 2 } });
    expect(limited.world.log).toHaveLength(5);
    expect(limited.world.maxActive).toBe(2);
    const wide = await runFixture('forks.yml', { hosts, options: { forks: 10 } });
    expect(wide.world.maxActive).toBe(5);
  });

  it('serial: 1 runs the whole play, handlers included, one host at a time', async () => {
    const run = await runFixture('serial.yml', { hosts: hostsNamed('a', 'b') });
    expect(run.world.log).toEqual([
      'a: step one',
      'a: step two',
      'a: restart',
      'b: step one',
      'b: step two',
      'b: restart',
    ]);
    expect(run.lines.filter((l) => l.startsWith('PLAY [rolling]'))).toHaveLength(1);
  });

  it('stops a rolling update when a whole batch failed', async () => {
    const world = new FakeWorld();
    world.respond = (host) => ({ stdout: '', stderr: 'boom', rc: host === 'a' ? 1 : 0 });
    const run = await runFixture('serial-fail.yml', { hosts: hostsNamed('a', 'b', 'c'), world });
    expect(run.world.log).toEqual(['a: upgrade']);
    expect(run.report.exitCode).toBe(2);
  });

  it('a failing host leaves the play; the others finish it and the next play', async () => {
    const world = new FakeWorld();
    world.respond = (host, command) => ({
      stdout: '',
      stderr: 'disk full',
      rc: host === 'web1' && command === 'step1' ? 1 : 0,
    });
    const run = await runFixture('failing.yml', { world, hosts: hostsNamed('web1', 'web2', 'web3') });
    expect(run.world.log.filter((l) => l.startsWith('web1'))).toEqual(['web1: step1']);
    expect(run.world.log.filter((l) => l.startsWith('web2'))).toEqual([
      'web2: step1',
      'web2: step2',
      'web2: step3',
    ]);
    expect(hostLines(run)).toContain('failed: [web1] => non-zero return code (rc=1)');
    expect(run.lines).toContain('disk full');
    expect(run.report.exitCode).toBe(2);
    expect(run.report.stats.web1).toMatchObject({ ok: 0, changed: 0, failed: 1 });
    expect(run.report.stats.web3).toMatchObject({ ok: 3, changed: 3, failed: 0 });
  });

  it('any_errors_fatal stops every host after the first failure', async () => {
    const world = new FakeWorld();
    world.respond = (host) => ({ stdout: '', stderr: '', rc: host === 'web1' ? 1 : 0 });
    const run = await runFixture('any-fatal.yml', { world });
    expect(run.world.log.sort()).toEqual(['web1: step1', 'web2: step1']);
    expect(run.report.exitCode).toBe(2);
  });

  it('reports an unreachable host, keeps going with the others, and exits 4', async () => {
    const world = new FakeWorld();
    world.unreachable.add('web2');
    const run = await runFixture('unreachable.yml', { world });
    expect(run.lines).toContain(
      'fatal: [web2]: UNREACHABLE! => ssh: connect to host web2 port 22: Connection refused',
    );
    expect(run.world.log).toEqual(['web1: gather facts', 'web1: work']);
    expect(run.report.exitCode).toBe(4);
    expect(run.report.unreachableHosts).toEqual(['web2']);
    const recap = run.lines.find((l) => l.startsWith('web2 '));
    expect(recap).toMatch(/ok=0 +changed=0 +unreachable=1 +failed=0 +skipped=0 +rescued=0 +ignored=0$/);
  });

  it('retries a task until its condition holds, sleeping `delay` between attempts', async () => {
    const world = new FakeWorld();
    let polls = 0;
    world.respond = () => ({ stdout: (polls += 1) >= 3 ? 'ready' : 'wait', stderr: '', rc: 0 });
    const run = await runFixture('retry.yml', { world });
    expect(run.world.log).toEqual(['web1: poll', 'web1: poll', 'web1: poll']);
    expect(run.sleeps).toEqual([2000, 2000]);
    expect(run.report.exitCode).toBe(0);
  });

  it('fails a task whose until never holds after retries + 1 attempts', async () => {
    const run = await runFixture('retry.yml');
    expect(run.world.log).toHaveLength(4);
    expect(run.report.exitCode).toBe(2);
  });
});
