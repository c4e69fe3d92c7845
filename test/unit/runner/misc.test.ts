import { describe, expect, it } from 'vitest';
import { createTemplar } from '../../../src/template/templar.js';
import { FakeWorld } from './fake-world.js';
import { runFixture, sections } from './harness.js';

describe('no_log, check_mode, set_fact, meta: end_play, fail', () => {
  it('behave as in Ansible', async () => {
    const world = new FakeWorld();
    world.respond = (_h, command) => ({
      stdout: command,
      stderr: `bad ${command}`,
      rc: command.startsWith('use') ? 1 : 0,
    });
    const run = await runFixture('misc.yml', {
      world,
      options: { check: true, extraVars: { token: 's3cret' } },
      // List concatenation needs the real templar's Python semantics.
      templar: createTemplar(),
    });
    const of = (title: string) => sections(run).find((s) => s.title === `TASK [${title}]`)?.lines ?? [];
    // The secret command ran and failed, but nothing secret is printed.
    expect(run.world.log).toEqual(['web1: use s3cret']);
    expect(run.output).not.toContain('s3cret');
    expect(of('secret').join('\n')).toContain("'no_log: true' was specified");
    expect(world.checks).toEqual([false, false, true]);
    expect(world.files.has('web1:/etc/dry')).toBe(false);
    expect(world.files.get('web1:/etc/real')).toBe('x');
    expect(run.output).toContain('"seen": [\n        "a",\n        "b"\n    ]');
    expect(run.world.log).not.toContain('web1: never');
    expect(of('explicit failure')).toEqual(['failed: [web1] => stopped web1']);
    expect(run.report.exitCode).toBe(2);
  });
});
