import type { RawArgs } from './args.js';
import { aliased, checkKnown, optBool, optNumber, optString, reqString } from './args.js';
import { q } from './shell-quote.js';
import type { Module, ModuleContext, ModuleResult } from './types.js';

const KNOWN = [
  'repo',
  'dest',
  'version',
  'force',
  'update',
  'depth',
  'clone',
  'accept_hostkey',
  'single_branch',
] as const;

export interface GitArgs {
  repo: string;
  dest: string;
  version: string;
  force: boolean;
  update: boolean;
  depth?: number;
}

export function parseGitArgs(raw: RawArgs): GitArgs {
  const args = aliased(raw, 'repo', ['name']);
  checkKnown('git', args, KNOWN);
  return {
    repo: reqString('git', args, 'repo'),
    dest: reqString('git', args, 'dest'),
    version: optString('git', args, 'version') ?? 'HEAD',
    force: optBool('git', args, 'force') ?? false,
    update: optBool('git', args, 'update') ?? true,
    depth: optNumber('git', args, 'depth'),
  };
}

/** What the host has and what the remote offers, read with the git CLI in one exec. */
export interface GitFacts {
  cloned: boolean;
  before?: string;
  /** The commit `version` names on the remote; a full SHA names itself. */
  wanted?: string;
  dirty: boolean;
}

export function gitFactsCommand(args: GitArgs): string {
  const d = q(args.dest);
  const ref = /^[0-9a-f]{40}$/.test(args.version)
    ? `echo ${args.version}`
    : `git ls-remote ${q(args.repo)} ${q(args.version)} ${q(`refs/tags/${args.version}^{}`)} | sort -k2 | tail -1 | cut -f1`;
  return (
    `if [ -d ${d}/.git ]; then echo cloned; git -C ${d} rev-parse HEAD; ` +
    `git -C ${d} status --porcelain --untracked-files=no | head -1 | sed 's/^/dirty /'; else echo absent; echo; fi; ` +
    `echo "wanted $(${ref})"`
  );
}

export function parseGitFacts(stdout: string): GitFacts {
  const lines = stdout.split('\n');
  const wanted = lines
    .find((l) => l.startsWith('wanted '))
    ?.slice(7)
    .trim();
  return {
    cloned: lines[0] === 'cloned',
    ...(lines[0] === 'cloned' && lines[1] ? { before: lines[1].trim() } : {}),
    ...(wanted ? { wanted } : {}),
    dirty: lines.some((l) => l.startsWith('dirty ')),
  };
}

export type GitChange = 'clone' | 'checkout' | 'none';

/** Pure: clone when absent, check out when HEAD is not the wanted commit and updates are allowed. */
export function planGit(args: GitArgs, facts: GitFacts): GitChange {
  if (!facts.cloned) return 'clone';
  if (!args.update || facts.wanted === undefined || facts.before === facts.wanted) return 'none';
  return 'checkout';
}

export function gitCommand(args: GitArgs, change: GitChange): string {
  const d = q(args.dest);
  const version = args.version === 'HEAD' ? 'FETCH_HEAD' : q(args.version);
  const depth = args.depth !== undefined ? `--depth ${args.depth} ` : '';
  const fetch =
    `git -C ${d} fetch -q ${depth}origin ${args.version === 'HEAD' ? '' : q(args.version)}`.trimEnd();
  const checkout = `git -C ${d} checkout -q ${args.force ? '-f ' : ''}${version}`;
  if (change === 'clone') return `git clone -q ${depth}${q(args.repo)} ${d} && ${fetch} && ${checkout}`;
  return `${fetch} && ${checkout}`;
}

async function runGit(raw: RawArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const args = parseGitArgs(raw);
  const facts = parseGitFacts((await ctx.remote.exec(gitFactsCommand(args))).stdout);
  const change = planGit(args, facts);
  const base: ModuleResult = {
    changed: change !== 'none',
    before: facts.before ?? null,
    after: facts.wanted ?? null,
  };
  if (change === 'checkout' && facts.dirty && !args.force) {
    return {
      ...base,
      changed: false,
      failed: true,
      msg: `Local modifications exist in ${args.dest}; set force to discard them`,
    };
  }
  if (change === 'none' || ctx.check) return base;
  const res = await ctx.remote.exec(gitCommand(args, change));
  if (res.rc !== 0) return { ...base, changed: false, failed: true, msg: res.stderr.trim(), rc: res.rc };
  const after = (await ctx.remote.exec(`git -C ${q(args.dest)} rev-parse HEAD`)).stdout.trim();
  return { ...base, after };
}

export const gitModule: Module = {
  name: 'git',
  aliases: ['ansible.builtin.git'],
  validate: (args) => void parseGitArgs(args),
  run: runGit,
};
