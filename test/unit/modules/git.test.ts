import { execFileSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitModule, parseGitArgs, parseGitFacts, planGit } from '../../../src/modules/git.js';
import { makeCtx, ShellRemote } from './fakes.js';

const SHA1 = '1'.repeat(40);
const SHA2 = '2'.repeat(40);

describe('git planner', () => {
  const args = parseGitArgs({ repo: 'https://example.test/app.git', dest: '/srv/app', version: 'v1' });

  it('clones when absent, checks out when HEAD is elsewhere, else leaves it', () => {
    expect(planGit(args, parseGitFacts(`absent\n\nwanted ${SHA1}\n`))).toBe('clone');
    expect(planGit(args, parseGitFacts(`cloned\n${SHA2}\nwanted ${SHA1}\n`))).toBe('checkout');
    expect(planGit(args, parseGitFacts(`cloned\n${SHA1}\nwanted ${SHA1}\n`))).toBe('none');
    expect(planGit({ ...args, update: false }, parseGitFacts(`cloned\n${SHA2}\nwanted ${SHA1}\n`))).toBe(
      'none',
    );
    expect(parseGitFacts(`cloned\n${SHA2}\ndirty  M x\nwanted ${SHA1}\n`).dirty).toBe(true);
  });
});

describe('git on a real repository', () => {
  it('clones a tag, is ok on a second run, moves to a new version', async () => {
    const root = await mkdtemp(join(tmpdir(), 'git-'));
    const repo = join(root, 'origin');
    const git = (...a: string[]) =>
      execFileSync('git', ['-C', repo, '-c', 'user.email=t@e.test', '-c', 'user.name=t', ...a], {
        encoding: 'utf8',
      }).trim();
    execFileSync('git', ['init', '-q', repo]);
    git('commit', '-q', '--allow-empty', '-m', 'one');
    git('tag', 'v1');
    const v1 = git('rev-parse', 'HEAD');
    git('commit', '-q', '--allow-empty', '-m', 'two');
    const dest = join(root, 'checkout');
    const ctx = () => makeCtx(new ShellRemote());
    const first = await gitModule.run({ repo, dest, version: 'v1' }, ctx());
    expect(first).toMatchObject({ changed: true, after: v1 });
    expect((await gitModule.run({ repo, dest, version: 'v1' }, ctx())).changed).toBe(false);
    const moved = await gitModule.run({ repo, dest }, ctx());
    expect(moved).toMatchObject({ changed: true, before: v1, after: git('rev-parse', 'HEAD') });
  });
});
