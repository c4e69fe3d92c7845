import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getModule } from '../../../src/modules/registry.js';
import type { Module } from '../../../src/modules/types.js';
import { makeCtx, ShellRemote } from './fakes.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ingress-copy-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function mod(name: string): Module {
  const found = getModule(name);
  if (found === undefined) throw new Error(`no module ${name}`);
  return found;
}

const copy = mod('ansible.builtin.copy');

describe('copy applied through a shell in a temp folder', () => {
  it('writes the file with its mode, then a second run changes nothing', async () => {
    const dest = join(dir, 'app.conf');
    const args = { content: 'port=80\n', dest, mode: '0640' };
    const remote = new ShellRemote();
    const first = await copy.run(args, makeCtx(remote));
    expect(first).toMatchObject({ changed: true, dest, mode: '0640', state: 'file' });
    expect(readFileSync(dest, 'utf8')).toBe('port=80\n');
    expect(statSync(dest).mode & 0o7777).toBe(0o640);
    const second = await copy.run(args, makeCtx(remote));
    expect(second.changed).toBe(false);
    // No temporary file is left beside dest.
    expect(readdirSync(dir)).toEqual(['app.conf']);
  });

  it('replaces atomically: the new inode appears by rename, the old one is never truncated', async () => {
    const dest = join(dir, 'app.conf');
    writeFileSync(dest, 'old\n');
    const before = statSync(dest).ino;
    await copy.run({ content: 'new\n', dest }, makeCtx(new ShellRemote()));
    expect(readFileSync(dest, 'utf8')).toBe('new\n');
    expect(statSync(dest).ino).not.toBe(before);
  });

  it('keeps the old mode when none is given', async () => {
    const dest = join(dir, 'secret');
    writeFileSync(dest, 'a', { mode: 0o600 });
    await copy.run({ content: 'b', dest }, makeCtx(new ShellRemote()));
    expect(statSync(dest).mode & 0o7777).toBe(0o600);
  });

  it('a failing validate leaves dest untouched and fails the task', async () => {
    const dest = join(dir, 'app.conf');
    writeFileSync(dest, 'good\n');
    const res = await copy.run(
      { content: 'bad\n', dest, validate: "grep -q good %s || { echo 'syntax error' >&2; exit 1; }" },
      makeCtx(new ShellRemote()),
    );
    expect(res).toMatchObject({ changed: false, failed: true, exit_status: 1 });
    expect(res.msg).toBe(
      "failed to validate: command 'grep -q good %s || { echo 'syntax error' >&2; exit 1; }' " +
        'exited with status 1: syntax error',
    );
    expect(readFileSync(dest, 'utf8')).toBe('good\n');
    expect(readdirSync(dir)).toEqual(['app.conf']);
  });

  it('a failing validate names its exit status and what it printed on both streams', async () => {
    const dest = join(dir, 'rules.nft');
    const validate = 'echo checking %s; echo "line 3: unexpected token" >&2; exit 93';
    const res = await copy.run({ content: 'bad\n', dest, validate }, makeCtx(new ShellRemote()));
    expect(res).toMatchObject({ changed: false, failed: true, exit_status: 93 });
    expect(res.msg).toMatch(
      /^failed to validate: command 'echo checking %s; .*; exit 93' exited with status 93: line 3: unexpected token\nchecking \S+ingress-\w+$/,
    );
    // The status marker is the runner's own plumbing, not the validator's output.
    expect(res.stderr).toBe('line 3: unexpected token\n');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a silent failing validate still says which command failed and how', async () => {
    const dest = join(dir, 'quiet.conf');
    const res = await copy.run({ content: 'x', dest, validate: 'false %s' }, makeCtx(new ShellRemote()));
    expect(res.msg).toBe("failed to validate: command 'false %s' exited with status 1 (no output)");
  });

  it('a passing validate sees the new content in the temp file', async () => {
    const dest = join(dir, 'app.conf');
    const res = await copy.run(
      { content: 'good\n', dest, validate: 'grep -q good %s' },
      makeCtx(new ShellRemote()),
    );
    expect(res).toMatchObject({ changed: true });
    expect(res.failed).toBeUndefined();
    expect(readFileSync(dest, 'utf8')).toBe('good\n');
  });

  it('backup keeps the old content under a timestamped name', async () => {
    const dest = join(dir, 'app.conf');
    writeFileSync(dest, 'v1\n');
    const now = () => Date.UTC(2026, 0, 2, 3, 4, 5);
    const res = await copy.run({ content: 'v2\n', dest, backup: true }, makeCtx(new ShellRemote(), { now }));
    expect(res.backup_file).toBe(`${dest}.2026-01-02@03:04:05~`);
    expect(readFileSync(`${dest}.2026-01-02@03:04:05~`, 'utf8')).toBe('v1\n');
    expect(readFileSync(dest, 'utf8')).toBe('v2\n');
  });

  it('check mode reports the change, returns a diff, and runs nothing that modifies', async () => {
    const dest = join(dir, 'app.conf');
    writeFileSync(dest, 'a\nb\n');
    const remote = new ShellRemote();
    const res = await copy.run({ content: 'a\nc\n', dest }, makeCtx(remote, { check: true, diff: true }));
    expect(res.changed).toBe(true);
    expect(res.diff).toEqual([
      { path: dest, before: 'a\nb\n', after: 'a\nc\n', beforeHeader: dest, afterHeader: dest },
    ]);
    expect(readFileSync(dest, 'utf8')).toBe('a\nb\n');
    expect(remote.commands.some((c) => /mktemp|mv |chmod|chown/.test(c))).toBe(false);
  });

  it('only fixes the mode when the content already matches', async () => {
    const dest = join(dir, 'app.conf');
    writeFileSync(dest, 'same', { mode: 0o644 });
    const ino = statSync(dest).ino;
    const res = await copy.run({ content: 'same', dest, mode: 'u=rw,go=' }, makeCtx(new ShellRemote()));
    expect(res).toMatchObject({ changed: true, mode: '0600' });
    expect(statSync(dest).mode & 0o7777).toBe(0o600);
    expect(statSync(dest).ino).toBe(ino);
  });

  it('finds src in files/ and gives a folder dest its basename', async () => {
    const playbookDir = join(dir, 'play');
    mkdirSync(join(playbookDir, 'files'), { recursive: true });
    writeFileSync(join(playbookDir, 'files', 'motd'), 'welcome\n');
    const target = join(dir, 'etc');
    mkdirSync(target);
    const res = await copy.run({ src: 'motd', dest: target }, makeCtx(new ShellRemote(), { playbookDir }));
    expect(res).toMatchObject({ changed: true, dest: join(target, 'motd') });
    expect(readFileSync(join(target, 'motd'), 'utf8')).toBe('welcome\n');
  });

  it('a missing src fails and says where it looked', async () => {
    const res = await copy.run(
      { src: 'nope', dest: join(dir, 'x') },
      makeCtx(new ShellRemote(), { playbookDir: dir }),
    );
    expect(res.failed).toBe(true);
    expect(res.msg).toContain(join(dir, 'files', 'nope'));
  });

  it('a mapping as content is written as JSON, as json.dumps writes it', async () => {
    const dest = join(dir, 'conf.json');
    await copy.run({ content: { a: [1, 2] }, dest }, makeCtx(new ShellRemote()));
    expect(readFileSync(dest, 'utf8')).toBe('{"a": [1, 2]}');
  });

  it('force: false leaves an existing file alone', async () => {
    const dest = join(dir, 'keep');
    writeFileSync(dest, 'mine');
    const res = await copy.run({ content: 'theirs', dest, force: false }, makeCtx(new ShellRemote()));
    expect(res.changed).toBe(false);
    expect(readFileSync(dest, 'utf8')).toBe('mine');
  });
});

describe('template applied through a shell', () => {
  it('renders from templates/ with the context, writes, then stays unchanged', async () => {
    const playbookDir = join(dir, 'play');
    mkdirSync(join(playbookDir, 'templates'), { recursive: true });
    writeFileSync(join(playbookDir, 'templates', 'haproxy.cfg.j2'), 'bind :{{ port }}\n');
    const dest = join(dir, 'haproxy.cfg');
    const renderTemplate = (source: string) => source.replace('{{ port }}', '443');
    const ctx = makeCtx(new ShellRemote(), { playbookDir, renderTemplate });
    const tpl = mod('template');
    const first = await tpl.run({ src: 'haproxy.cfg.j2', dest }, ctx);
    expect(first).toMatchObject({ changed: true, src: join(playbookDir, 'templates', 'haproxy.cfg.j2') });
    expect(readFileSync(dest, 'utf8')).toBe('bind :443\n');
    expect((await tpl.run({ src: 'haproxy.cfg.j2', dest }, ctx)).changed).toBe(false);
  });
});
