import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IngressError } from '../../../src/errors.js';
import { parseFileArgs, fileModule } from '../../../src/modules/file.js';
import { planFileState } from '../../../src/modules/file-state-plan.js';
import { parseStat } from '../../../src/facts/stat.js';
import { fixture } from '../facts/fixture.js';
import { makeCtx, ShellRemote } from './fakes.js';

describe('file planner, from recorded stat facts', () => {
  const dirStat = parseStat(fixture('stat-directory'));
  const fileStat = parseStat(fixture('stat-file'));
  const absent = parseStat(fixture('stat-absent'));
  const linkStat = parseStat(fixture('stat-link'));

  it('directory: absent means mkdir, present with the same mode means ok', () => {
    const args = parseFileArgs({ path: '/srv/rec', state: 'directory', mode: '0755' });
    // mkdir follows the umask, so the wanted mode is set explicitly afterwards.
    expect(planFileState(args, { stat: absent }).changes).toEqual([
      { kind: 'mkdir' },
      { kind: 'mode', to: 0o755 },
    ]);
    expect(planFileState(args, { stat: dirStat }).changes).toEqual([]);
  });

  it('a file mode change is planned from the current mode', () => {
    const args = parseFileArgs({ path: '/srv/rec/hello.txt', mode: '0644' });
    expect(planFileState(args, { stat: fileStat }).changes).toEqual([
      { kind: 'mode', from: 0o640, to: 0o644 },
    ]);
  });

  it('state=file on a missing path fails, as in Ansible', () => {
    const plan = planFileState(parseFileArgs({ path: '/x', state: 'file' }), { stat: absent });
    expect(plan.error).toMatch(/is absent, cannot continue/);
  });

  it('link: same target ok, other target relinks, a file needs force', () => {
    const same = parseFileArgs({ path: '/srv/rec/link', src: '/srv/rec/hello.txt', state: 'link' });
    expect(planFileState(same, { stat: linkStat }).changes).toEqual([]);
    const other = parseFileArgs({ path: '/srv/rec/link', src: '/etc/motd', state: 'link' });
    expect(planFileState(other, { stat: linkStat }).changes).toEqual([
      { kind: 'symlink', from: '/srv/rec/hello.txt', to: '/etc/motd' },
    ]);
    const overFile = parseFileArgs({ path: '/srv/rec/hello.txt', src: '/etc/motd', state: 'link' });
    expect(planFileState(overFile, { stat: fileStat }).error).toMatch(
      /refusing to convert from file to symlink/,
    );
    const forced = parseFileArgs({
      path: '/srv/rec/hello.txt',
      src: '/etc/motd',
      state: 'link',
      force: true,
    });
    expect(planFileState(forced, { stat: fileStat }).changes).toEqual([
      { kind: 'symlink', to: '/etc/motd', replace: 'file' },
    ]);
  });

  it('validation names the field', () => {
    const err = (() => {
      try {
        parseFileArgs({ path: '/x', state: 'gone' });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(IngressError);
    expect(err).toMatchObject({ code: 'E_VALIDATION', location: { field: 'state' } });
    expect(() => parseFileArgs({ path: '/x', state: 'link' })).toThrow(/src: is required/);
    expect(() => parseFileArgs({ state: 'absent' })).toThrow(/path: is required/);
    expect(() => parseFileArgs({ path: '/x', mode: 'rwx' })).toThrow(/mode/);
  });
});

describe('file applied through a shell in a temp folder', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ingress-file-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a directory with its mode once', async () => {
    const path = join(dir, 'a', 'b');
    const args = { path, state: 'directory', mode: '0750' };
    expect(await fileModule.run(args, makeCtx(new ShellRemote()))).toMatchObject({
      changed: true,
      mode: '0750',
    });
    expect(statSync(path).isDirectory()).toBe(true);
    expect(statSync(path).mode & 0o7777).toBe(0o750);
    expect((await fileModule.run(args, makeCtx(new ShellRemote()))).changed).toBe(false);
  });

  it('links, relinks, and removes', async () => {
    const path = join(dir, 'current');
    mkdirSync(join(dir, 'v1'));
    mkdirSync(join(dir, 'v2'));
    const ctx = makeCtx(new ShellRemote());
    expect((await fileModule.run({ path, src: join(dir, 'v1'), state: 'link' }, ctx)).changed).toBe(true);
    expect((await fileModule.run({ path, src: join(dir, 'v1'), state: 'link' }, ctx)).changed).toBe(false);
    expect((await fileModule.run({ path, src: join(dir, 'v2'), state: 'link' }, ctx)).changed).toBe(true);
    expect(readlinkSync(path)).toBe(join(dir, 'v2'));
    // The old link was replaced, not followed into v1.
    expect(existsSync(join(dir, 'v1', 'v2'))).toBe(false);
    expect((await fileModule.run({ path, state: 'absent' }, ctx)).changed).toBe(true);
    expect(() => lstatSync(path)).toThrow();
    expect((await fileModule.run({ path, state: 'absent' }, ctx)).changed).toBe(false);
  });

  it('check mode changes nothing and diff says what would', async () => {
    const path = join(dir, 'd');
    const remote = new ShellRemote();
    const res = await fileModule.run(
      { path, state: 'directory' },
      makeCtx(remote, { check: true, diff: true }),
    );
    expect(res.changed).toBe(true);
    expect(res.diff).toEqual([{ path, before: 'absent\n', after: 'directory: mkdir\n' }]);
    expect(existsSync(path)).toBe(false);
    expect(remote.commands.some((c) => c.includes('mkdir'))).toBe(false);
  });

  it('recurse fixes modes below a directory, then is idempotent', async () => {
    const path = join(dir, 'tree');
    mkdirSync(join(path, 'sub'), { recursive: true, mode: 0o700 });
    writeFileSync(join(path, 'sub', 'f'), 'x', { mode: 0o600 });
    const args = { path, state: 'directory', mode: '0755', recurse: true };
    expect((await fileModule.run(args, makeCtx(new ShellRemote()))).changed).toBe(true);
    expect(statSync(join(path, 'sub', 'f')).mode & 0o7777).toBe(0o755);
    expect((await fileModule.run(args, makeCtx(new ShellRemote()))).changed).toBe(false);
  });

  it('touch creates a missing file', async () => {
    const path = join(dir, 'stamp');
    expect((await fileModule.run({ path, state: 'touch' }, makeCtx(new ShellRemote()))).changed).toBe(true);
    expect(statSync(path).isFile()).toBe(true);
  });
});
