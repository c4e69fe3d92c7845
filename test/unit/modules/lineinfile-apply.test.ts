import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blockinfileModule } from '../../../src/modules/blockinfile.js';
import { lineinfileModule } from '../../../src/modules/lineinfile.js';
import { makeCtx, ShellRemote } from './fakes.js';

describe('lineinfile and blockinfile on a real file', () => {
  it('check mode reports and touches nothing; a run edits; a second run is ok', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lineinfile-'));
    const path = join(dir, 'sshd_config');
    await writeFile(path, 'PermitRootLogin yes\n');
    const args = { path, regexp: '^PermitRootLogin', line: 'PermitRootLogin no' };
    const check = await lineinfileModule.run(args, makeCtx(new ShellRemote(), { check: true, diff: true }));
    expect(check.changed).toBe(true);
    expect(check.diff).toMatchObject([{ before: 'PermitRootLogin yes\n', after: 'PermitRootLogin no\n' }]);
    expect(await readFile(path, 'utf8')).toBe('PermitRootLogin yes\n');
    expect((await lineinfileModule.run(args, makeCtx(new ShellRemote()))).changed).toBe(true);
    expect(await readFile(path, 'utf8')).toBe('PermitRootLogin no\n');
    expect((await lineinfileModule.run(args, makeCtx(new ShellRemote()))).changed).toBe(false);
  });

  it('fails on a missing file unless create is set', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lineinfile-'));
    const path = join(dir, 'new.conf');
    const missing = await lineinfileModule.run({ path, line: 'a' }, makeCtx(new ShellRemote()));
    expect(missing).toMatchObject({ failed: true, msg: `Destination ${path} does not exist !` });
    const made = await blockinfileModule.run(
      { path, block: 'x', create: true, mode: '0600' },
      makeCtx(new ShellRemote()),
    );
    expect(made.changed).toBe(true);
    expect(await readFile(path, 'utf8')).toBe(
      '# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n',
    );
  });
});
