import { describe, expect, it } from 'vitest';
import { createTemplar } from '../../../src/template/templar.js';
import { FakeWorld } from './fake-world.js';
import { runFixture, sections } from './harness.js';

function world(): FakeWorld {
  const w = new FakeWorld();
  w.respond = (_h, command) => ({
    stdout: command,
    stderr: `bad ${command}`,
    rc: command.startsWith('use') ? 1 : 0,
  });
  return w;
}

const run = (hide: boolean) =>
  runFixture('play-flags.yml', {
    world: world(),
    templar: createTemplar(),
    options: { extraVars: { token: 's3cret', hide_results: hide } },
  });

describe('play-level ignore_errors and no_log', () => {
  it('a failing task is ignored and the play goes on, handlers included', async () => {
    const r = await run(true);
    expect(r.world.log).toEqual([
      'web1: use s3cret',
      'web1: show s3cret',
      'web1: handler s3cret',
      'web1: show s3cret',
    ]);
    expect(r.report.exitCode).toBe(0);
    expect(r.report.stats.web1).toMatchObject({ failed: 0, ignored: 1 });
  });

  it('hides every result of the play, and only of that play', async () => {
    const r = await run(true);
    const of = (title: string) =>
      sections(r)
        .filter((s) => s.title === title)
        .flatMap((s) => s.lines);
    expect(of('TASK [failing secret]').join('\n')).toContain("'no_log: true' was specified");
    expect(of('TASK [still running]')).toEqual(['changed: [web1]']);
    expect(of('RUNNING HANDLER [after]')).toEqual(['changed: [web1]']);
    expect(r.output).not.toContain('s3cret');
  });

  it('a templated no_log that renders false shows the results', async () => {
    const r = await run(false);
    expect(r.output).not.toContain("'no_log: true' was specified");
    expect(r.output).toContain('bad use s3cret');
    expect(r.output).toContain('...ignoring');
  });

  it('a task that sets ignore_errors: false is not ignored under a play or block that ignores', async () => {
    const r = await runFixture('play-flags-override.yml', { world: world(), templar: createTemplar() });
    expect(r.world.log).toEqual(['web1: use it']);
    expect(r.report.exitCode).toBe(2);
  });
});
