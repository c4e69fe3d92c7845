import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initCa } from '../../../src/pki/ca.js';
import { signCsr } from '../../../src/pki/issue.js';
import { withLock } from '../../../src/pki/lock.js';
import { listIssued, readState, resolveStateDir } from '../../../src/pki/store.js';
import { nodeCsr, tempDir } from './helpers.js';
import { sleep } from '../../../src/time/sleep.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(async () => cleanup());

describe('state store', () => {
  it('does not lose or repeat a serial under concurrent issuance', async () => {
    const stateDir = join(dir, 'pki');
    await initCa({ stateDir, keyType: 'ecdsa-p256' });
    const csrPem = await nodeCsr(dir, 'n');
    const names = Array.from({ length: 8 }, (_, i) => `node-${i}`);
    const results = await Promise.all(
      names.map((name) => signCsr({ stateDir, csrPem, name, sans: ['n'] }).catch((e) => e)),
    );
    expect(results.filter((r) => r instanceof Error)).toEqual([]);
    const serials = (await listIssued(stateDir)).map((r) => r.serial).sort();
    expect(serials).toEqual(['01', '02', '03', '04', '05', '06', '07', '08']);
    expect((await readState(stateDir))?.nextSerial).toBe(9);
  });

  it('breaks a lock left by a dead process', async () => {
    const dead = spawnSync('true').pid!;
    await writeFile(
      join(dir, '.lock'),
      JSON.stringify({ pid: dead, host: hostname(), token: 'x', createdAt: 0 }),
    );
    expect(await withLock(dir, async () => 'got it', { timeoutMs: 2000 })).toBe('got it');
    await expect(stat(join(dir, '.lock'))).rejects.toThrow(/ENOENT/);
  });

  it('waits for a live holder and times out rather than stealing', async () => {
    await writeFile(
      join(dir, '.lock'),
      JSON.stringify({ pid: process.pid, host: hostname(), token: 'y', createdAt: 0 }),
    );
    await expect(withLock(dir, async () => 'stolen', { timeoutMs: 300 })).rejects.toThrow(/timed out/);
    expect((await stat(join(dir, '.lock'))).isFile()).toBe(true);
  });

  it('serializes holders in one process', async () => {
    const order: string[] = [];
    const hold = (tag: string) =>
      withLock(dir, async () => {
        order.push(`${tag}+`);
        await sleep(30);
        order.push(`${tag}-`);
      });
    await Promise.all([hold('a'), hold('b')]);
    expect([order.slice(0, 2), order.slice(2)].map((pair) => pair[0]?.[0] === pair[1]?.[0])).toEqual([
      true,
      true,
    ]);
  });

  it('puts the state folder beside the inventory unless --state-dir is given', () => {
    expect(resolveStateDir({ inventoryPath: '/srv/site/inventories/prod.yml' })).toBe(
      '/srv/site/inventories/.ingress-state/pki',
    );
    expect(resolveStateDir({ stateDir: 'x', inventoryPath: '/a/b.yml', cwd: '/w' })).toBe('/w/x');
  });

  it('puts the state folder inside a folder inventory, so two sites never share a CA', async () => {
    const root = await mkdtemp(join(tmpdir(), 'ingress-sites-'));
    await mkdir(join(root, 'site-a'));
    await mkdir(join(root, 'site-b'));
    const a = resolveStateDir({ inventoryPath: join(root, 'site-a') });
    const b = resolveStateDir({ inventoryPath: 'site-b', cwd: root });
    expect(a).toBe(join(root, 'site-a', '.ingress-state', 'pki'));
    expect(b).toBe(join(root, 'site-b', '.ingress-state', 'pki'));
    expect(a).not.toBe(b);
    await rm(root, { recursive: true });
  });
});
