import { describe, expect, it } from 'vitest';
import { FakeWorld } from './fake-world.js';
import { runFixture, sections } from './harness.js';

const lines = (run: Awaited<ReturnType<typeof runFixture>>, title: string) =>
  sections(run).find((s) => s.title === `TASK [${title}]`)?.lines;

describe('loops, register and when', () => {
  it('registers results[] for loops, flattens with_items, and evaluates when per item', async () => {
    const world = new FakeWorld();
    world.respond = (_h, command) => ({ stdout: command, stderr: '', rc: command === 'probe' ? 3 : 0 });
    const run = await runFixture('loops.yml', { world });
    expect(run.world.log).toEqual([
      'web1: install nginx',
      'web1: install curl',
      'web1: echo a',
      'web1: echo b',
      'web1: echo c',
      'web1: probe',
      'web1: fallback',
      'web1: touch 1',
      'web1: touch 3',
    ]);
    expect(lines(run, 'install')).toEqual([
      'changed: [web1] => (item=nginx)',
      'changed: [web1] => (item=curl)',
    ]);
    expect(lines(run, 'check results')).toEqual(['ok: [web1]']);
    expect(lines(run, 'probe')).toEqual(['failed: [web1] => non-zero return code (rc=3)', '...ignoring']);
    expect(lines(run, 'when probe ok')).toEqual(['skipping: [web1]']);
    expect(lines(run, 'per item when')).toEqual([
      'changed: [web1] => (item=1)',
      'skipping: [web1] => (item=2)',
      'changed: [web1] => (item=3)',
    ]);
    expect(run.report.exitCode).toBe(0);
    expect(run.report.stats.web1).toMatchObject({ ignored: 1, skipped: 1, failed: 0 });
  });
});

describe('changed_when, failed_when, ignore_errors', () => {
  it('apply with the registered result and decide the outcome', async () => {
    const world = new FakeWorld();
    world.respond = (_h, command) => ({
      stdout: command,
      stderr: '',
      rc: command === 'grep missing' ? 1 : command === 'boom' ? 2 : 0,
    });
    const run = await runFixture('conditions.yml', { world });
    expect(lines(run, 'read-only')).toEqual(['ok: [web1]']);
    expect(lines(run, 'grep miss is fine')).toEqual(['ok: [web1]']);
    expect(lines(run, 'failing ignored')).toEqual([
      'failed: [web1] => non-zero return code (rc=2)',
      '...ignoring',
    ]);
    expect(lines(run, 'failed by condition')).toEqual(['failed: [web1] => ""']);
    expect(run.world.log).not.toContain('web1: never');
    expect(run.report.stats.web1).toEqual({
      ok: 3,
      changed: 1,
      unreachable: 0,
      failed: 1,
      skipped: 0,
      rescued: 0,
      ignored: 1,
    });
    expect(run.report.exitCode).toBe(2);
  });
});

describe('check and diff modes', () => {
  it('--check passes ctx.check to modules, writes nothing, and --diff prints the change', async () => {
    const run = await runFixture('check.yml', { options: { check: true, diff: true } });
    expect(run.world.checks).toEqual([true, true]);
    expect(run.world.files.size).toBe(0);
    expect(run.world.log).toEqual([]);
    const motd = lines(run, 'write motd') ?? [];
    expect(motd).toContain('+hello web1');
    expect(motd).toContain('--- /etc/motd');
    expect(motd.at(-1)).toBe('changed: [web1]');
    expect(lines(run, 'run command')).toEqual(['skipping: [web1]']);
  });

  it('without --check the file is written and no diff is printed', async () => {
    const run = await runFixture('check.yml');
    expect(run.world.checks).toEqual([false, false]);
    expect(run.world.files.get('web1:/etc/motd')).toBe('hello web1\n');
    expect(lines(run, 'write motd')).toEqual(['changed: [web1]']);
  });
});

describe('tags', () => {
  const ran = async (options: { tags?: string[]; skipTags?: string[] }) =>
    (await runFixture('tags.yml', { options })).world.log.map((l) => l.replace('web1: ', ''));

  it('without --tags runs all but `never` tasks', async () => {
    expect(await ran({})).toEqual(['untagged', 'in block', 'deep', 'always', 'included']);
  });
  it('block and include tags are inherited by their tasks; `always` always runs', async () => {
    expect(await ran({ tags: ['config'] })).toEqual(['in block', 'deep', 'always']);
    expect(await ran({ tags: ['deep'] })).toEqual(['deep', 'always']);
    expect(await ran({ tags: ['included'] })).toEqual(['always', 'included']);
  });
  it('play tags reach every task; `never` runs only when another of its tags (inherited ones too) is asked for', async () => {
    expect(await ran({ tags: ['play'] })).toEqual([
      'untagged',
      'in block',
      'deep',
      'always',
      'never',
      'included',
    ]);
    expect(await ran({ tags: ['debug'] })).toEqual(['always', 'never']);
  });
  it('--skip-tags removes tagged tasks, `always` included when named', async () => {
    expect(await ran({ skipTags: ['config'] })).toEqual(['untagged', 'always', 'included']);
    expect(await ran({ tags: ['config'], skipTags: ['always'] })).toEqual(['in block', 'deep']);
  });
});
