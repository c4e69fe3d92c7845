import { posix } from 'node:path';
import { runFact } from '../facts/run.js';
import type { PathStat } from '../facts/stat.js';
import { contentFact, statFact } from '../facts/stat.js';
import { atomicWrite, backupPath } from './atomic-write.js';
import type { FileChange, WantedFile } from './file-plan.js';
import { attributeCommands, planFileContent } from './file-plan.js';
import { formatMode } from './mode.js';
import type { Plan } from './plan.js';
import { q } from './shell-quote.js';
import type { FileDiff, ModuleContext, ModuleResult } from './types.js';

/** What copy and template share once the content is known. */
export interface DeliverArgs extends WantedFile {
  dest: string;
  validate?: string;
  backup: boolean;
  /** The controller-side source, so a folder dest gets its basename. */
  srcPath?: string;
}

/** Diffs of files larger than this are not shown (as Ansible's max_diff_size). */
const MAX_DIFF_BYTES = 104_448;

async function resolveDest(args: DeliverArgs, ctx: ModuleContext): Promise<{ dest: string; stat: PathStat }> {
  let dest = args.dest;
  let stat = await runFact(ctx.remote, statFact(dest, { checksum: true }));
  if ((dest.endsWith('/') || stat.type === 'directory') && args.srcPath !== undefined) {
    dest = posix.join(dest, posix.basename(args.srcPath));
    stat = await runFact(ctx.remote, statFact(dest, { checksum: true }));
  }
  return { dest, stat };
}

async function contentDiff(
  dest: string,
  stat: PathStat,
  after: Buffer,
  ctx: ModuleContext,
): Promise<FileDiff[] | undefined> {
  if ((stat.size ?? 0) > MAX_DIFF_BYTES || after.length > MAX_DIFF_BYTES || after.includes(0))
    return undefined;
  const before = stat.exists ? (await runFact(ctx.remote, contentFact(dest))).content : '';
  return [
    {
      path: dest,
      before,
      after: after.toString('utf8'),
      beforeHeader: stat.exists ? dest : `${dest} (absent)`,
      afterHeader: dest,
    },
  ];
}

function describe(dest: string, stat: PathStat, plan: Plan<FileChange>, args: DeliverArgs) {
  const modeChange = plan.changes.find((c) => c.kind === 'mode');
  const content = plan.changes.find((c) => c.kind === 'content');
  const mode = modeChange?.kind === 'mode' ? modeChange.to : (stat.mode ?? 0o644);
  return {
    dest,
    state: 'file',
    checksum: content?.kind === 'content' ? content.to : stat.checksum,
    size: content ? args.content.length : stat.size,
    mode: formatMode(mode),
    owner: args.owner ?? stat.owner,
    group: args.group ?? stat.group,
  };
}

async function apply(dest: string, plan: Plan<FileChange>, args: DeliverArgs, ctx: ModuleContext) {
  const mode = plan.changes.find((c) => c.kind === 'mode');
  if (plan.changes.some((c) => c.kind === 'content')) {
    const backupFile = args.backup ? backupPath(dest, ctx.now()) : undefined;
    const written = await atomicWrite(ctx.remote, {
      dest,
      content: args.content,
      mode: mode?.kind === 'mode' ? mode.to : undefined,
      owner: args.owner,
      group: args.group,
      validate: args.validate,
      backupFile,
    });
    return { ...written, backupFile };
  }
  const exec = await ctx.remote.exec(attributeCommands(dest, plan.changes, q).join(' && '));
  return { ok: exec.rc === 0, msg: exec.stderr.trim(), exec, backupFile: undefined, validateRc: undefined };
}

/** Plan from facts, stop there in check mode, else write atomically or fix attributes. */
export async function deliverFile(args: DeliverArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const { dest, stat } = await resolveDest(args, ctx);
  if (stat.exists && stat.type !== 'file') {
    return { changed: false, failed: true, msg: `dest ${dest} exists and is a ${stat.type}, not a file` };
  }
  const plan = planFileContent(args, stat);
  const info = describe(dest, stat, plan, args);
  const changed = plan.changes.length > 0;
  const diff =
    ctx.diff && plan.changes.some((c) => c.kind === 'content')
      ? await contentDiff(dest, stat, args.content, ctx)
      : undefined;
  const base: ModuleResult = { changed, msg: plan.reason, ...info, ...(diff ? { diff } : {}) };
  if (!changed || ctx.check) return base;
  const done = await apply(dest, plan, args, ctx);
  if (!done.ok) {
    return {
      ...base,
      changed: false,
      failed: true,
      msg: done.msg,
      rc: done.exec.rc,
      stdout: done.exec.stdout,
      stderr: done.exec.stderr,
      ...(done.validateRc !== undefined ? { exit_status: done.validateRc } : {}),
    };
  }
  const backup = done.backupFile !== undefined && stat.exists ? { backup_file: done.backupFile } : {};
  return { ...base, ...backup };
}
