import type { RawArgs } from './args.js';
import { argError, checkKnown, optBool, optEnum, optString, reqString } from './args.js';
import { editLine } from './line-edit.js';
import { parseMode } from './mode.js';
import { runTextEdit } from './text-edit.js';
import type { Module, ModuleContext, ModuleResult } from './types.js';

const KNOWN = [
  'repo',
  'state',
  'filename',
  'update_cache',
  'update_cache_retries',
  'mode',
  'validate_certs',
  'codename',
  'install_python_apt',
] as const;

export interface AptRepositoryArgs {
  repo: string;
  state: 'present' | 'absent';
  path: string;
  updateCache: boolean;
  mode?: ReturnType<typeof parseMode>;
}

/** Ansible's file name for a repository line: its host and path, non-alphanumerics as `_`, then `.list`. */
export function suggestFilename(repo: string): string {
  const bare = repo
    .replace(/\[[^\]]+\]/g, '')
    .replace(/\w+:\/\//g, '')
    .split(/\s+/)
    .filter((p) => p !== '' && p !== 'deb' && p !== 'deb-src');
  const first = (bare[0] ?? '').replace(/^[^@/]*@/, '');
  return first
    .replace(/[^a-zA-Z0-9]/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .join('_');
}

export function parseAptRepositoryArgs(raw: RawArgs): AptRepositoryArgs {
  checkKnown('apt_repository', raw, KNOWN);
  const repo = reqString('apt_repository', raw, 'repo').trim();
  if (!/^deb(-src)?\s/.test(repo)) {
    throw argError('apt_repository', 'repo', 'must be a one-line "deb ..." source (PPAs are Ubuntu only)');
  }
  const filename = optString('apt_repository', raw, 'filename') ?? suggestFilename(repo);
  return {
    repo,
    state: optEnum('apt_repository', raw, 'state', ['present', 'absent'] as const) ?? 'present',
    path: `/etc/apt/sources.list.d/${filename.replace(/\.list$/, '')}.list`,
    updateCache: optBool('apt_repository', raw, 'update_cache') ?? true,
    mode: parseMode('apt_repository', 'mode', raw.mode),
  };
}

/** Pure: the sources file after adding or removing the line (spacing normalised, as apt reads it). */
export function editSources(content: string, args: AptRepositoryArgs): string {
  const line = args.repo.replace(/\s+/g, ' ');
  return editLine(content, {
    state: args.state,
    line,
    backrefs: false,
    firstMatch: false,
    ...(args.state === 'absent'
      ? { regexp: new RegExp(`^${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+')}\\s*$`) }
      : {}),
  });
}

async function runAptRepository(raw: RawArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const args = parseAptRepositoryArgs(raw);
  const file = {
    path: args.path,
    create: args.state === 'present',
    backup: false,
    mode: args.mode ?? { kind: 'octal' as const, bits: 0o644 },
  };
  const result = await runTextEdit('apt_repository', file, (c) => editSources(c, args), ctx);
  if (!result.changed || result.failed || ctx.check || !args.updateCache)
    return { ...result, repo: args.repo };
  const update = await ctx.remote.exec('DEBIAN_FRONTEND=noninteractive apt-get update -q');
  if (update.rc !== 0)
    return { ...result, failed: true, msg: `apt-get update failed: ${update.stderr.trim()}` };
  return { ...result, repo: args.repo, cache_updated: true };
}

export const aptRepositoryModule: Module = {
  name: 'apt_repository',
  aliases: ['ansible.builtin.apt_repository'],
  validate: (args) => void parseAptRepositoryArgs(args),
  run: runAptRepository,
};
