import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseUnarchiveArgs, unarchiveModule } from '../../../src/modules/unarchive.js';
import { makeCtx, ShellRemote } from './fakes.js';

describe('unarchive with remote_src', () => {
  it('extracts when a member is missing, is ok once all are there, and touches nothing in check mode', async () => {
    const root = await mkdtemp(join(tmpdir(), 'unarchive-'));
    await mkdir(join(root, 'pkg'));
    await writeFile(join(root, 'pkg', 'a.txt'), 'a\n');
    const archive = join(root, 'pkg.tar.gz');
    execFileSync('tar', ['-czf', archive, '-C', root, 'pkg']);
    const dest = join(root, 'out');
    await mkdir(dest);
    const args = { src: archive, dest, remote_src: true };
    const check = await unarchiveModule.run(args, makeCtx(new ShellRemote(), { check: true }));
    expect(check.changed).toBe(true);
    expect(existsSync(join(dest, 'pkg', 'a.txt'))).toBe(false);
    expect((await unarchiveModule.run(args, makeCtx(new ShellRemote()))).changed).toBe(true);
    expect(existsSync(join(dest, 'pkg', 'a.txt'))).toBe(true);
    expect((await unarchiveModule.run(args, makeCtx(new ShellRemote()))).changed).toBe(false);
  });

  it('refuses a URL without remote_src', () => {
    expect(() => parseUnarchiveArgs({ src: 'https://e.test/x.tgz', dest: '/opt' })).toThrow(/remote_src/);
  });
});
