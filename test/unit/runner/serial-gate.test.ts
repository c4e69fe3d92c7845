import { describe, expect, it } from 'vitest';
import { createTemplar } from '../../../src/template/templar.js';
import { FakeWorld } from './fake-world.js';
import { runFixture } from './harness.js';

const six = Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f'].map((n) => [n, { groups: ['web'] }]));
const templar = createTemplar({ searchPaths: [] });

function healthFailsOn(...sick: string[]): FakeWorld {
  const world = new FakeWorld();
  world.respond = (host, command) => ({
    stdout: '',
    stderr: '',
    rc: command === 'health' && sick.includes(host) ? 1 : 0,
  });
  return world;
}

describe('serial from a template, gated by max_fail_percentage: 0', () => {
  it('rolls in batches of the rendered size when every batch is healthy', async () => {
    const run = await runFixture('serial-gate.yml', {
      hosts: six,
      templar,
      world: healthFailsOn(),
      options: { extraVars: { batch: '50%' } },
    });
    const upgrades = run.world.log.filter((l) => l.endsWith('upgrade'));
    expect(upgrades.slice(0, 3).sort()).toEqual(['a: upgrade', 'b: upgrade', 'c: upgrade']);
    expect(run.world.log.indexOf('d: upgrade')).toBeGreaterThan(run.world.log.indexOf('c: after'));
    expect(run.world.log.filter((l) => l.endsWith('next'))).toHaveLength(6);
    expect(run.report.exitCode).toBe(0);
  });

  it('stops at the first batch with an unhealthy host: later batches and plays untouched', async () => {
    const run = await runFixture('serial-gate.yml', {
      hosts: six,
      templar,
      world: healthFailsOn('c'),
      options: { extraVars: { batch: 2 } },
    });
    const touched = new Set(run.world.log.map((l) => l.split(':')[0]));
    expect([...touched].sort()).toEqual(['a', 'b', 'c', 'd']);
    // The healthy host of the failing batch does not go on either.
    expect(run.world.log).not.toContain('d: after');
    expect(run.world.log.some((l) => l.endsWith('next'))).toBe(false);
    expect(run.report.exitCode).toBe(2);
    expect(run.report.stats.c).toMatchObject({ failed: 1 });
    expect(run.report.stats.e).toMatchObject({ ok: 0, changed: 0, failed: 0 });
    expect(run.lines.some((l) => /^e\s*: ok=0\s+changed=0/.test(l))).toBe(true);
  });

  it('names the play when serial renders to something that is not a batch size', async () => {
    const run = runFixture('serial-gate.yml', {
      hosts: six,
      templar,
      options: { extraVars: { batch: 'many' } },
    });
    await expect(run).rejects.toThrow(/serial rendered to "many", not a count or a percentage/);
  });
});
