import { describe, expect, it } from 'vitest';
import type { HostStats, RunSink } from '../../../src/runner/output-types.js';
import { createProgress, waitingLine } from '../../../src/stack/progress.js';
import { siteLimit } from '../../../src/stack/up.js';
import { sleep } from '../../../src/time/sleep.js';

const quiet: RunSink = {
  playStart: () => undefined,
  taskStart: () => undefined,
  hostResult: () => undefined,
  warning: () => undefined,
  recap: (_: ReadonlyMap<string, HostStats>) => undefined,
};

describe('progress', () => {
  it('names the task, the hosts still running it and the time', () => {
    expect(waitingLine('Packages of the stack', ['ingress-1', 'proxy'], 42_400)).toBe(
      '… Packages of the stack: waiting on ingress-1, proxy (42 s)',
    );
    expect(waitingLine('t', ['a', 'b', 'c', 'd', 'e', 'f'], 0)).toBe('… t: waiting on a, b, c, d, +2 (0 s)');
  });

  it('on a terminal, updates one line and clears it before other output', async () => {
    let written = '';
    let nowMs = 0;
    const progress = createProgress(
      { write: (t: string) => (written += t), isTTY: true },
      { now: () => nowMs, ttyEveryMs: 5 },
    );
    const sink = progress.wrap({ ...quiet, taskStart: (name) => void (written += `TASK ${name}\n`) });
    sink.playStart('p', ['a', 'b']);
    sink.taskStart('slow', 'task');
    sink.hostResult({ host: 'a', status: 'ok', result: {} });
    nowMs = 3_000;
    await sleep(30);
    expect(written).toContain('\r\x1b[K… slow: waiting on b (3 s)');
    sink.taskStart('next', 'task');
    progress.stop();
    // The waiting line was wiped before the next task's header.
    expect(written.endsWith('(3 s)\r\x1b[KTASK next\n')).toBe(true);
  });

  it('elsewhere prints plain lines, and only hosts that answered the last task wait on the next', async () => {
    let written = '';
    const progress = createProgress(
      { write: (t: string) => (written += t) },
      { now: () => 0, plainEveryMs: 5 },
    );
    const sink = progress.wrap(quiet);
    sink.playStart('p', ['a', 'b']);
    sink.taskStart('first', 'task');
    sink.hostResult({ host: 'a', status: 'failed', result: {} });
    sink.hostResult({ host: 'b', status: 'ok', result: {} });
    sink.taskStart('second', 'task');
    await sleep(30);
    progress.stop();
    expect(written).toContain('… second: waiting on b (0 s)\n');
    expect(written).not.toContain('\r');
    expect(written).not.toMatch(/waiting on a/);
  });
});

describe('siteLimit', () => {
  it('leaves new nodes out of a check run, within the user limit', () => {
    expect(siteLimit(undefined, [])).toBeUndefined();
    expect(siteLimit('ingress', [])).toBe('ingress');
    expect(siteLimit(undefined, ['a', 'b'])).toBe('all:!a:!b');
    expect(siteLimit('ingress', ['a'])).toBe('ingress:!a');
  });
});
