import type { PathStat } from '../facts/stat.js';
import type { FileChange } from './file-plan.js';
import { attributeCommands, planAttributes } from './file-plan.js';
import { formatMode } from './mode.js';
import type { ModeSpec } from './mode.js';
import type { Plan } from './plan.js';
import { planOf } from './plan.js';

export type FileState = 'file' | 'directory' | 'absent' | 'link' | 'touch';

export interface FileArgs {
  path: string;
  state?: FileState;
  mode?: ModeSpec;
  owner?: string;
  group?: string;
  src?: string;
  recurse: boolean;
  force: boolean;
}

export type FileStateChange =
  | FileChange
  | { kind: 'remove'; type: string }
  | { kind: 'mkdir' }
  | { kind: 'touch' }
  | { kind: 'symlink'; from?: string; to: string; replace?: 'file' | 'directory' }
  | { kind: 'recurse' };

export interface FileStatePlan extends Plan<FileStateChange> {
  /** Set when the request cannot be met (the task fails with it). */
  error?: string;
  /** The state the path ends in. */
  state: string;
}

/** Facts: the path (not following links) and, with recurse, whether anything below differs. */
export interface FileFacts {
  stat: PathStat;
  /** true when some entry below a directory has other owner, group or mode. */
  recurseDrift?: boolean;
}

/** Ansible's default: what the path is now, else file (which then must exist). */
export function effectiveState(args: FileArgs, stat: PathStat): FileState {
  if (args.state !== undefined) return args.state;
  if (args.src !== undefined) return 'link';
  if (stat.type === 'directory' || args.recurse) return 'directory';
  if (stat.type === 'link') return 'link';
  return 'file';
}

function fail(state: string, error: string): FileStatePlan {
  return { changes: [], reason: error, error, state };
}

function planLink(args: FileArgs, stat: PathStat): FileStatePlan {
  const to = args.src ?? '';
  if (stat.type === 'link') {
    const changes: FileStateChange[] =
      stat.linkTarget === to ? [] : [{ kind: 'symlink', from: stat.linkTarget, to }];
    return {
      ...planOf(changes, `link already points to ${to}`, `link points to ${stat.linkTarget}`),
      state: 'link',
    };
  }
  if (!stat.exists) return { ...planOf([{ kind: 'symlink', to }], '', 'path is absent'), state: 'link' };
  if (!args.force) return fail('link', `refusing to convert from ${stat.type} to symlink for ${args.path}`);
  const replace = stat.type === 'directory' ? 'directory' : 'file';
  return { changes: [{ kind: 'symlink', to, replace }], reason: `replacing a ${stat.type}`, state: 'link' };
}

function withAttributes(args: FileArgs, facts: FileFacts, state: FileState, base: FileStateChange[]) {
  const isDir = state === 'directory';
  const changes = [...base, ...planAttributes(args, facts.stat, isDir)];
  if (isDir && args.recurse && facts.recurseDrift) changes.push({ kind: 'recurse' });
  return { ...planOf(changes, `${state} already as wanted`, changes.map((c) => c.kind).join(', ')), state };
}

/** Pure: the changes that bring the path to the wanted state. */
export function planFileState(args: FileArgs, facts: FileFacts): FileStatePlan {
  const { stat } = facts;
  const state = effectiveState(args, stat);
  switch (state) {
    case 'absent':
      return {
        ...planOf(
          stat.exists ? [{ kind: 'remove', type: stat.type ?? 'file' }] : [],
          'path is already absent',
          'path exists',
        ),
        state,
      };
    case 'link':
      return planLink(args, stat);
    case 'touch':
      return withAttributes(args, facts, stat.type === 'directory' ? 'directory' : 'file', [
        { kind: 'touch' },
      ]);
    case 'directory':
      if (stat.exists && stat.type !== 'directory')
        return fail(state, `${args.path} already exists as a ${stat.type}`);
      return withAttributes(args, facts, state, stat.exists ? [] : [{ kind: 'mkdir' }]);
    case 'file':
      if (!stat.exists) return fail(state, `file (${args.path}) is absent, cannot continue`);
      if (stat.type !== 'file') return fail(state, `${args.path} is a ${stat.type}, not a file`);
      return withAttributes(args, facts, state, []);
  }
}

/** Shell commands carrying out a plan, in order. */
export function fileStateCommands(
  args: FileArgs,
  changes: readonly FileStateChange[],
  quote: (s: string) => string,
) {
  const p = quote(args.path);
  const cmds: string[] = [];
  for (const c of changes) {
    if (c.kind === 'remove') cmds.push(`rm -rf -- ${p}`);
    else if (c.kind === 'mkdir') cmds.push(`mkdir -p -- ${p}`);
    else if (c.kind === 'touch') cmds.push(`touch -- ${p}`);
    else if (c.kind === 'symlink') {
      if (c.replace === 'directory') cmds.push(`rmdir -- ${p}`);
      if (c.replace === 'file') cmds.push(`rm -f -- ${p}`);
      cmds.push(`ln -sfn -- ${quote(c.to)} ${p}`);
    } else if (c.kind === 'recurse') cmds.push(...recurseCommands(args, quote));
  }
  return [...cmds, ...attributeCommands(args.path, changes.filter(isAttribute), quote)];
}

function isAttribute(c: FileStateChange): c is FileChange {
  return c.kind === 'mode' || c.kind === 'owner' || c.kind === 'group';
}

function recurseCommands(args: FileArgs, quote: (s: string) => string): string[] {
  const p = quote(args.path);
  const cmds: string[] = [];
  if (args.owner !== undefined) cmds.push(`chown -R ${quote(args.owner)} -- ${p}`);
  if (args.group !== undefined) cmds.push(`chgrp -R ${quote(args.group)} -- ${p}`);
  if (args.mode !== undefined) {
    const mode = args.mode.kind === 'octal' ? formatMode(args.mode.bits) : args.mode.text;
    cmds.push(`chmod -R ${quote(mode)} -- ${p}`);
  }
  return cmds;
}

/** A find(1) that prints one entry below path whose owner, group or octal mode differs. */
export function recurseDriftCommand(args: FileArgs, quote: (s: string) => string): string {
  const tests: string[] = [];
  if (args.owner !== undefined) tests.push(`! -user ${quote(args.owner)}`);
  if (args.group !== undefined) tests.push(`! -group ${quote(args.group)}`);
  // A symbolic mode cannot be compared with find's -perm; it is always applied.
  if (args.mode?.kind === 'symbolic') return 'echo drift';
  if (args.mode?.kind === 'octal') tests.push(`! -perm ${formatMode(args.mode.bits)}`);
  if (tests.length === 0) return 'true';
  return `find ${quote(args.path)} -mindepth 1 \\( ${tests.join(' -o ')} \\) -print -quit`;
}
