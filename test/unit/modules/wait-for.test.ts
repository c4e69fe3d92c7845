import { describe, expect, it } from 'vitest';
import { parseWaitForArgs, probeCommand, waitFor } from '../../../src/modules/wait-for.js';
import type { ExecResult } from '../../../src/transport/types.js';
import { makeCtx, ScriptedRemote } from './fakes.js';

/** A fake clock that sleep advances, so waits take no real time. */
function clock() {
  let nowMs = 1_000_000;
  return { now: () => nowMs, sleep: async (ms: number) => void (nowMs += ms) };
}

describe('wait_for', () => {
  it('polls a port until it accepts, then reports the elapsed time', async () => {
    const answers: ExecResult[] = [
      { stdout: '', stderr: '', rc: 1 },
      { stdout: '', stderr: '', rc: 1 },
      { stdout: '', stderr: '', rc: 0 },
    ];
    const remote = new ScriptedRemote([
      [/dev\/tcp\/127\.0\.0\.1\/8443/, () => answers.shift() ?? { stdout: '', stderr: '', rc: 0 }],
    ]);
    const { now, sleep } = clock();
    const res = await waitFor(parseWaitForArgs({ port: 8443, sleep: 2 }), makeCtx(remote, { now }), sleep);
    expect(res).toMatchObject({ changed: false, elapsed: 4, port: 8443, state: 'started' });
    expect(remote.commands).toHaveLength(3);
  });

  it('times out on the injected clock with Ansible-like message', async () => {
    const remote = new ScriptedRemote([[/test -e/, { stdout: '', stderr: '', rc: 1 }]]);
    const { now, sleep } = clock();
    const res = await waitFor(
      parseWaitForArgs({ path: '/run/ready', timeout: 10, delay: 1 }),
      makeCtx(remote, { now }),
      sleep,
    );
    expect(res).toMatchObject({ failed: true, msg: 'Timeout when waiting for /run/ready to be started' });
    expect(res.elapsed).toBeGreaterThanOrEqual(10);
  });

  it('stopped waits for the port to refuse', async () => {
    const remote = new ScriptedRemote([[/dev\/tcp/, { stdout: '', stderr: '', rc: 1 }]]);
    const { now, sleep } = clock();
    const res = await waitFor(
      parseWaitForArgs({ host: '10.0.0.5', port: 80, state: 'stopped' }),
      makeCtx(remote, { now }),
      sleep,
    );
    expect(res).toMatchObject({ changed: false, state: 'stopped' });
  });

  it('search_regex greps the file; hostile hosts are rejected', () => {
    expect(probeCommand(parseWaitForArgs({ path: '/var/log/x', search_regex: 'ready$' }))).toBe(
      "grep -E -q -- 'ready$' /var/log/x 2>/dev/null",
    );
    expect(() => parseWaitForArgs({ host: 'a;reboot', port: 1 })).toThrow(
      expect.objectContaining({ location: { file: 'wait_for', field: 'host' } }),
    );
    expect(() => parseWaitForArgs({ port: 70000 })).toThrow(/port: must be a port number/);
  });

  it('a probe that cannot run fails at once', async () => {
    const remote = new ScriptedRemote([[/dev\/tcp/, { stdout: '', stderr: 'bash: not found', rc: 127 }]]);
    const res = await waitFor(parseWaitForArgs({ port: 22 }), makeCtx(remote), async () => undefined);
    expect(res).toMatchObject({ failed: true, msg: 'probe failed to run: bash: not found' });
  });
});
