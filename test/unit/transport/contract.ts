import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngressError } from '../../../src/errors.js';
import type { Transport } from '../../../src/transport/types.js';

export interface ContractOptions {
  /** False for views (e.g. become) whose close leaves the shared connection open. */
  closeEndsTransport?: boolean;
}

/**
 * The behaviour every Transport promises, run against each implementation
 * (local, SSH, SSH with become) so they stay interchangeable.
 */
export function describeTransportContract(
  name: string,
  makeTransport: () => Promise<Transport>,
  options: ContractOptions = {},
): void {
  describe(`Transport contract: ${name}`, () => {
    let t: Transport;
    let dir: string;

    beforeAll(async () => {
      t = await makeTransport();
      const made = await t.exec('mktemp -d');
      expect(made.rc).toBe(0);
      dir = made.stdout.trim();
    });

    afterAll(async () => {
      await t?.exec(`rm -rf '${dir}'`);
      await t?.close();
    });

    it('returns stdout, stderr and the exit status', async () => {
      const result = await t.exec('printf out; printf err >&2; exit 3');
      expect(result).toEqual({ stdout: 'out', stderr: 'err', rc: 3 });
    });

    it('passes quotes and dollars through to /bin/sh untouched', async () => {
      const result = await t.exec(`x=1; printf '%s|%s' "it's" "$x"`);
      expect(result.stdout).toBe("it's|1");
    });

    it('feeds stdin and closes it; no stdin means an empty one', async () => {
      expect((await t.exec('cat', { stdin: 'hello\nworld\n' })).stdout).toBe('hello\nworld\n');
      expect(await t.exec('cat')).toEqual({ stdout: '', stderr: '', rc: 0 });
      const big = Buffer.alloc(1024 * 1024, 7);
      expect((await t.exec('wc -c', { stdin: big })).stdout.trim()).toBe(String(big.length));
    });

    it('runs in cwd with the given environment', async () => {
      const result = await t.exec('pwd; printf %s "$GREETING"', {
        cwd: dir,
        env: { GREETING: `a b 'c' $HOME "d"` },
      });
      expect(result.stdout).toBe(`${dir}\na b 'c' $HOME "d"`);
      expect((await t.exec('true', { cwd: `${dir}/missing` })).rc).not.toBe(0);
    });

    it('returns 1 MB outputs whole', async () => {
      const result = await t.exec(
        "head -c 1048576 /dev/zero | tr '\\0' a; head -c 1048576 /dev/zero | tr '\\0' b >&2",
      );
      expect(result.stdout).toBe('a'.repeat(1048576));
      expect(result.stderr).toBe('b'.repeat(1048576));
    });

    it('runs many commands at once', async () => {
      const started = Date.now();
      const results = await Promise.all(Array.from({ length: 16 }, (_, i) => t.exec(`sleep 0.5; echo ${i}`)));
      expect(results.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 16 }, (_, i) => String(i)));
      // One after another would take 8 s.
      expect(Date.now() - started).toBeLessThan(4_000);
    });

    it('kills a command that outlives its timeout and reports rc 124', async () => {
      const started = Date.now();
      const result = await t.exec('echo before; sleep 10', { timeoutMs: 500 });
      expect(result.rc).toBe(124);
      expect(result.stdout).toBe('before\n');
      expect(result.stderr).toContain('timed out after 500 ms');
      expect(Date.now() - started).toBeLessThan(5_000);
    });

    it('puts files with the requested mode, 0600 by default', async () => {
      await t.put(`${dir}/a.conf`, 'alpha\n', { mode: 0o640 });
      await t.put(`${dir}/secret.key`, 'key\n');
      const stat = await t.exec(`stat -c '%a %n' a.conf secret.key`, { cwd: dir });
      expect(stat.stdout).toBe('640 a.conf\n600 secret.key\n');
      expect((await t.exec(`cat ${dir}/a.conf`)).stdout).toBe('alpha\n');
    });

    it('replaces an existing file by rename and leaves no temporary file', async () => {
      await t.put(`${dir}/swap.txt`, 'old\n', { mode: 0o644 });
      const before = (await t.exec(`stat -c %i ${dir}/swap.txt`)).stdout;
      await t.put(`${dir}/swap.txt`, 'new\n', { mode: 0o644 });
      const after = (await t.exec(`stat -c %i ${dir}/swap.txt`)).stdout;
      expect(after).not.toBe(before);
      expect((await t.get(`${dir}/swap.txt`)).toString()).toBe('new\n');
      expect((await t.exec(`ls -A ${dir} | grep -c ingress- || true`)).stdout.trim()).toBe('0');
    });

    it('gets files and fails clearly on a missing one', async () => {
      await t.put(`${dir}/g.txt`, 'content');
      expect((await t.get(`${dir}/g.txt`)).toString()).toBe('content');
      await expect(t.get(`${dir}/nope.txt`)).rejects.toThrow(/cannot read .*nope\.txt.*No such file/);
      const err = await t.put(`${dir}/no/such/dir/f`, 'x').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(IngressError);
      expect((err as IngressError).message).toMatch(/cannot write .*no\/such\/dir\/f/);
    });

    it('round-trips binary content byte for byte', async () => {
      const bytes = Buffer.alloc(256 * 4096);
      for (let i = 0; i < bytes.length; i += 1) bytes[i] = (i * 31 + (i >> 8)) & 0xff;
      await t.put(`${dir}/blob.bin`, bytes);
      expect((await t.get(`${dir}/blob.bin`)).equals(bytes)).toBe(true);
      const remoteHash = (await t.exec(`sha256sum ${dir}/blob.bin`)).stdout.split(' ')[0];
      expect(remoteHash).toBe(createHash('sha256').update(bytes).digest('hex'));
    });

    if (options.closeEndsTransport !== false) {
      it('refuses work after close, and close twice is harmless', async () => {
        const other = await makeTransport();
        expect((await other.exec('echo up')).stdout).toBe('up\n');
        await other.close();
        await other.close();
        await expect(other.exec('echo up')).rejects.toMatchObject({ code: 'E_UNREACHABLE' });
      });
    }
  });
}
