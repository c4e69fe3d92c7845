import { runFact } from '../facts/run.js';
import type { PathStat } from '../facts/stat.js';
import { statFact } from '../facts/stat.js';
import type { RawArgs } from './args.js';
import { aliased, argError, checkKnown, optBool, optEnum, optString, reqString } from './args.js';
import type { FileArgs, FileFacts, FileStatePlan } from './file-state-plan.js';
import { fileStateCommands, planFileState, recurseDriftCommand } from './file-state-plan.js';
import { formatMode, parseMode } from './mode.js';
import { q } from './shell-quote.js';
import type { FileDiff, Module, ModuleContext, ModuleResult } from './types.js';

const KNOWN = ['path', 'state', 'mode', 'owner', 'group', 'src', 'recurse', 'force'] as const;
const STATES = ['file', 'directory', 'absent', 'link', 'touch'] as const;

export function parseFileArgs(raw: RawArgs): FileArgs {
  const args = aliased(raw, 'path', ['dest', 'name']);
  checkKnown('file', args, KNOWN);
  const parsed: FileArgs = {
    path: reqString('file', args, 'path'),
    state: optEnum('file', args, 'state', STATES),
    mode: parseMode('file', 'mode', args.mode),
    owner: optString('file', args, 'owner'),
    group: optString('file', args, 'group'),
    src: optString('file', args, 'src'),
    recurse: optBool('file', args, 'recurse') ?? false,
    force: optBool('file', args, 'force') ?? false,
  };
  if (parsed.state === 'link' && parsed.src === undefined)
    throw argError('file', 'src', 'is required for state=link');
  if (parsed.recurse && parsed.state !== undefined && parsed.state !== 'directory') {
    throw argError('file', 'recurse', 'needs state=directory');
  }
  return parsed;
}

async function gather(args: FileArgs, ctx: ModuleContext): Promise<FileFacts> {
  let stat = await runFact(ctx.remote, statFact(args.path, { follow: false }));
  // Attributes of a link's target are what state=file/directory manage, as Ansible's follow=yes.
  if (stat.type === 'link' && args.state !== 'link' && args.state !== 'absent' && args.src === undefined) {
    stat = await runFact(ctx.remote, statFact(args.path, { follow: true }));
  }
  if (!args.recurse || stat.type !== 'directory') return { stat };
  const drift = await ctx.remote.exec(recurseDriftCommand(args, q));
  return { stat, recurseDrift: drift.stdout.trim() !== '' };
}

function describeState(stat: PathStat): string {
  if (!stat.exists) return 'absent';
  const link = stat.linkTarget !== undefined ? ` -> ${stat.linkTarget}` : '';
  return `${stat.type}${link} mode=${formatMode(stat.mode ?? 0)} owner=${stat.owner} group=${stat.group}`;
}

function stateDiff(args: FileArgs, before: PathStat, plan: FileStatePlan): FileDiff {
  // Modes read as octal, as in the task and in `describeState`.
  const value = (c: FileStatePlan['changes'][number]): string =>
    !('to' in c) ? '' : ` ${c.kind === 'mode' && typeof c.to === 'number' ? formatMode(c.to) : String(c.to)}`;
  const wanted = plan.changes.map((c) => `${c.kind}${value(c)}`).join(', ');
  return { path: args.path, before: `${describeState(before)}\n`, after: `${plan.state}: ${wanted}\n` };
}

async function runFile(raw: RawArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const args = parseFileArgs(raw);
  const facts = await gather(args, ctx);
  const plan = planFileState(args, facts);
  if (plan.error !== undefined) return { changed: false, failed: true, msg: plan.error, path: args.path };
  const changed = plan.changes.length > 0;
  const diff = ctx.diff && changed ? { diff: [stateDiff(args, facts.stat, plan)] } : {};
  const attrs = facts.stat.exists
    ? { mode: formatMode(facts.stat.mode ?? 0), owner: facts.stat.owner, group: facts.stat.group }
    : {};
  const base: ModuleResult = {
    changed,
    msg: plan.reason,
    path: args.path,
    state: plan.state,
    ...attrs,
    ...diff,
  };
  if (!changed || ctx.check) return base;
  const exec = await ctx.remote.exec(fileStateCommands(args, plan.changes, q).join(' && '));
  if (exec.rc !== 0) return { ...base, failed: true, msg: exec.stderr.trim(), rc: exec.rc };
  const after = await runFact(ctx.remote, statFact(args.path, { follow: plan.state !== 'link' }));
  if (!after.exists) return base;
  return { ...base, mode: formatMode(after.mode ?? 0), owner: after.owner, group: after.group };
}

export const fileModule: Module = {
  name: 'file',
  aliases: ['ansible.builtin.file'],
  validate: (args) => void parseFileArgs(args),
  run: runFile,
};
