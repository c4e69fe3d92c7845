import { userInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { becomeIsIdentity, sudoLine, withBecome } from '../../../src/transport/become.js';
import { LocalTransport } from '../../../src/transport/local.js';
import type { RawResult, RunOptions } from '../../../src/transport/shell-transport.js';

describe('withBecome', () => {
  const local = new LocalTransport('controller');

  it('returns the transport itself when become is off or already the become user', () => {
    expect(withBecome(local, { become: false, user: 'root', method: 'sudo' })).toBe(local);
    const me = userInfo().username;
    expect(withBecome(local, { become: true, user: me, method: 'sudo' }, { connectedUser: me })).toBe(local);
    expect(becomeIsIdentity({ become: true, user: 'root', method: 'sudo' }, 'deploy')).toBe(false);
  });

  it('runs commands under sudo without ever prompting', () => {
    expect(sudoLine('www data', "echo 'hi'")).toBe(
      `sudo -n -H -u 'www data' -- /bin/sh -c 'echo '"'"'hi'"'"`,
    );
  });

  it('sends exec, put and get through sudo', async () => {
    // The inner transport records each line and runs it with `sudo` as a shell
    // function that drops its options, so the wrapping is observable end to end.
    class Recording extends LocalTransport {
      readonly lines: string[] = [];
      override runLine(line: string, options?: RunOptions): Promise<RawResult> {
        this.lines.push(line);
        return super.runLine(`sudo() { shift 5; "$@"; }; ${line}`, options);
      }
    }
    const inner = new Recording('controller');
    const become = withBecome(
      inner,
      { become: true, user: 'svc', method: 'sudo' },
      { connectedUser: 'nobody' },
    );
    const dir = (await local.exec('mktemp -d')).stdout.trim();
    try {
      expect((await become.exec('printf %s "$X"', { env: { X: 'v' } })).stdout).toBe('v');
      await become.put(`${dir}/f`, 'data', { mode: 0o644 });
      expect((await become.get(`${dir}/f`)).toString()).toBe('data');
      expect(inner.lines).toHaveLength(3);
      for (const line of inner.lines) expect(line).toMatch(/^sudo -n -H -u svc -- \/bin\/sh -c /);
    } finally {
      await local.exec(`rm -rf ${dir}`);
    }
  });
});
