import { describe, expect, it } from 'vitest';
import type { JsonReport } from '../../../src/runner/output-json.js';
import { runFixture } from './harness.js';

describe('variable precedence', () => {
  it('host < facts < play vars < vars_files < set_fact < block < task < loop var < extra vars', async () => {
    const run = await runFixture('precedence.yml', {
      hosts: {
        web1: {
          groups: ['web'],
          vars: { host_only: 'host', layered: 'host', ansible_hostname: 'inventory' },
        },
        web2: { groups: ['web'], vars: { role: 'second' } },
      },
      options: { extraVars: { overridden: 'extra' } },
    });
    expect(run.lines.filter((l) => l.startsWith('failed'))).toEqual([]);
    expect(run.output).toContain('"msg": "fact extra"');
    expect(run.report.exitCode).toBe(0);
  });
});

describe('text output', () => {
  it('prints banners, a line per host, debug messages and the recap', async () => {
    const run = await runFixture('small.yml');
    const stars = (title: string) => `${title} ${'*'.repeat(80 - title.length - 1)}`;
    const byHost = (a: string, b: string) => (a < b ? -1 : 1);
    expect(run.lines.slice(0, 2)).toEqual([stars('PLAY [small]'), stars('TASK [say hello]')]);
    expect(run.output).toContain('ok: [web1] => {\n    "msg": "hi web1"\n}\n');
    const touch = run.lines.indexOf(stars('TASK [touch]'));
    expect(run.lines.slice(touch + 1, touch + 3).sort(byHost)).toEqual([
      'changed: [web1]',
      'changed: [web2]',
    ]);
    const only = run.lines.indexOf(stars('TASK [only web2]'));
    expect(run.lines.slice(only + 1, only + 3).sort(byHost)).toEqual(['changed: [web2]', 'skipping: [web1]']);
    expect(run.lines.slice(-3)).toEqual([
      stars('PLAY RECAP'),
      'web1                       : ok=2    changed=1    unreachable=0    failed=0    skipped=1    rescued=0    ignored=0',
      'web2                       : ok=3    changed=2    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0',
    ]);
  });

  it('--json prints one document with plays, tasks, per-host results and stats', async () => {
    const run = await runFixture('small.yml', { json: true });
    const doc = JSON.parse(run.output) as JsonReport;
    expect(doc.plays).toHaveLength(1);
    expect(doc.plays[0]?.play).toEqual({ name: 'small', hosts: ['web1', 'web2'] });
    expect(doc.plays[0]?.tasks.map((t) => t.task.name)).toEqual(['say hello', 'touch', 'only web2']);
    expect(doc.plays[0]?.tasks[1]?.hosts.web1).toMatchObject({
      changed: true,
      rc: 0,
      stdout: 'touch /tmp/x',
    });
    expect(doc.plays[0]?.tasks[2]?.hosts.web1).toMatchObject({ skipped: true });
    expect(doc.stats.web2).toEqual({
      ok: 3,
      changed: 2,
      unreachable: 0,
      failed: 0,
      skipped: 0,
      rescued: 0,
      ignored: 0,
    });
  });

  it('--limit keeps only matching hosts of the play', async () => {
    const run = await runFixture('small.yml', { options: { limit: 'web2' } });
    expect(run.world.log).toEqual(['web2: touch /tmp/x', 'web2: echo web2']);
    expect(run.lines.filter((l) => l.startsWith('web1 '))).toEqual([]);
  });

  it('warns when no host matches', async () => {
    const run = await runFixture('small.yml', { options: { limit: 'nothere' } });
    expect(run.lines).toContain('[WARNING]: skipping: no hosts matched');
    expect(run.report.exitCode).toBe(0);
  });
});
