import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  commandLine,
  commandModule,
  formatDelta,
  parseCommandArgs,
  shellModule,
} from '../../../src/modules/command.js';
import { makeCtx, ShellRemote } from './fakes.js';

describe('command and shell arguments', () => {
  it('command splits with shell-like quoting and quotes each word again', () => {
    const args = parseCommandArgs('command', { _raw_params: `echo 'a b' "c;d" $HOME` });
    expect(args.argv).toEqual(['echo', 'a b', 'c;d', '$HOME']);
    expect(commandLine(args)).toBe(`exec echo 'a b' 'c;d' '$HOME'`);
  });

  it('shell keeps the script and can pick an interpreter', () => {
    const args = parseCommandArgs('shell', {
      cmd: 'echo $((1+1)) | cat',
      executable: '/bin/bash',
      chdir: '/tmp',
    });
    expect(commandLine(args)).toBe(`cd /tmp || exit 1\nexec /bin/bash -c 'echo $((1+1)) | cat'`);
  });

  it('reports delta as Ansible does', () => {
    expect(formatDelta(3_723_045)).toBe('1:02:03.045000');
  });

  it('rejects an empty command, naming the field', () => {
    expect(() => parseCommandArgs('command', {})).toThrow(
      expect.objectContaining({ location: { file: 'command', field: 'cmd' } }),
    );
    expect(() => parseCommandArgs('command', { cmd: 'ls', executable: '/bin/bash' })).toThrow(
      /executable: unsupported/,
    );
  });
});

describe('command and shell run through a local shell', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ingress-cmd-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('command does not interpret shell syntax', async () => {
    const res = await commandModule.run({ _raw_params: 'echo hi > out; true' }, makeCtx(new ShellRemote()));
    expect(res).toMatchObject({
      changed: true,
      rc: 0,
      stdout: 'hi > out; true',
      stdout_lines: ['hi > out; true'],
    });
  });

  it('shell does, with stdin, chdir, and rc', async () => {
    const res = await shellModule.run(
      { cmd: 'cat > got && wc -c < got && exit 3', chdir: dir, stdin: 'abc' },
      makeCtx(new ShellRemote()),
    );
    // stdin gets a newline added, as Ansible's stdin_add_newline does.
    expect(res).toMatchObject({
      changed: true,
      failed: true,
      rc: 3,
      stdout: '4',
      msg: 'non-zero return code',
    });
  });

  it('creates skips when the file exists; removes when it does not', async () => {
    writeFileSync(join(dir, 'done'), '');
    const ctx = makeCtx(new ShellRemote());
    const skipped = await shellModule.run({ cmd: 'touch ran', chdir: dir, creates: 'done' }, ctx);
    expect(skipped).toMatchObject({ changed: false, rc: 0 });
    expect(skipped.msg).toContain("since 'done' exists");
    const notSkipped = await commandModule.run({ cmd: 'true', removes: join(dir, 'done') }, ctx);
    expect(notSkipped.changed).toBe(true);
    const gone = await commandModule.run({ cmd: 'true', removes: join(dir, 'nothing') }, ctx);
    expect(gone.changed).toBe(false);
  });

  it('check mode: skipped without creates/removes, changed when they decide, never runs', async () => {
    const remote = new ShellRemote();
    const ctx = makeCtx(remote, { check: true });
    expect(await shellModule.run({ cmd: `touch ${dir}/x` }, ctx)).toMatchObject({
      skipped: true,
      changed: false,
    });
    expect(await shellModule.run({ cmd: `touch ${dir}/x`, creates: `${dir}/x` }, ctx)).toMatchObject({
      changed: true,
    });
    expect(remote.commands.every((c) => c.startsWith('test -e'))).toBe(true);
  });
});
