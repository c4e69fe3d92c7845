import { describe, expect, it } from 'vitest';
import { createTemplar } from '../../../src/template/templar.js';
import { FakeWorld } from './fake-world.js';
import { runFixture } from './harness.js';

/** The same fixtures with the project's real templar (lazy variables, Jinja2 tests and filters). */
describe('runner with the real templar', () => {
  it('keeps the variable precedence', async () => {
    const run = await runFixture('precedence.yml', {
      templar: createTemplar(),
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
  });

  it('runs loops, registered results and when', async () => {
    const world = new FakeWorld();
    world.respond = (_h, command) => ({ stdout: command, stderr: '', rc: command === 'probe' ? 3 : 0 });
    const run = await runFixture('loops.yml', { world, templar: createTemplar() });
    expect(run.lines.filter((l) => l.startsWith('failed') && !l.includes('rc=3'))).toEqual([]);
    expect(run.world.log).toContain('web1: fallback');
    expect(run.world.log).not.toContain('web1: happy');
    expect(run.world.log).not.toContain('web1: touch 2');
  });

  it('evaluates changed_when and failed_when', async () => {
    const world = new FakeWorld();
    world.respond = (_h, command) => ({
      stdout: command,
      stderr: '',
      rc: command === 'grep missing' ? 1 : command === 'boom' ? 2 : 0,
    });
    const run = await runFixture('conditions.yml', { world, templar: createTemplar() });
    expect(run.report.stats.web1).toEqual({
      ok: 3,
      changed: 1,
      unreachable: 0,
      failed: 1,
      skipped: 0,
      rescued: 0,
      ignored: 1,
    });
  });

  it('renders debug messages and task names', async () => {
    const run = await runFixture('small.yml', { templar: createTemplar() });
    expect(run.output).toContain('"msg": "hi web2"');
    expect(run.report.exitCode).toBe(0);
  });
});
