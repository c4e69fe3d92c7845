import { pyJsonDumps } from '../template/filters-data.js';
import { readFile } from 'node:fs/promises';
import type { RawArgs } from './args.js';
import { argError, checkKnown, optBool, optString, reqString } from './args.js';
import type { DeliverArgs } from './deliver-file.js';
import { deliverFile } from './deliver-file.js';
import { parseMode } from './mode.js';
import { findSource, missingSourceMessage } from './src-lookup.js';
import type { Module, ModuleContext, ModuleResult } from './types.js';

const KNOWN = ['src', 'content', 'dest', 'owner', 'group', 'mode', 'validate', 'backup', 'force'] as const;

/** Arguments copy and template share; `src`/`content` are each module's own. */
export interface FileDestArgs {
  dest: string;
  owner?: string;
  group?: string;
  mode?: DeliverArgs['mode'];
  validate?: string;
  backup: boolean;
  force: boolean;
}

export function parseFileDestArgs(module: string, args: RawArgs): FileDestArgs {
  const validate = optString(module, args, 'validate');
  if (validate !== undefined && !validate.includes('%s')) {
    throw argError(module, 'validate', 'must contain %s (the temporary file to check)');
  }
  return {
    dest: reqString(module, args, 'dest'),
    owner: optString(module, args, 'owner'),
    group: optString(module, args, 'group'),
    mode: parseMode(module, 'mode', args.mode),
    validate,
    backup: optBool(module, args, 'backup') ?? false,
    force: optBool(module, args, 'force') ?? true,
  };
}

export interface CopyArgs extends FileDestArgs {
  src?: string;
  content?: string;
}

export function parseCopyArgs(args: RawArgs): CopyArgs {
  checkKnown('copy', args, KNOWN);
  const src = optString('copy', args, 'src');
  // As Ansible: a mapping or list given as content is written as json.dumps writes it.
  const content =
    typeof args.content === 'object' && args.content !== null
      ? pyJsonDumps(args.content, { indent: null, sortKeys: false })
      : optString('copy', args, 'content');
  if (src !== undefined && content !== undefined)
    throw argError('copy', 'content', 'is mutually exclusive with src');
  if (src === undefined && content === undefined) throw argError('copy', 'src', 'src or content is required');
  const parsed = parseFileDestArgs('copy', args);
  if (content !== undefined && parsed.dest.endsWith('/')) {
    throw argError('copy', 'dest', 'can not be a folder when content is given');
  }
  return { ...parsed, src, content };
}

async function runCopy(raw: RawArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const args = parseCopyArgs(raw);
  if (args.content !== undefined) return deliverFile({ ...args, content: Buffer.from(args.content) }, ctx);
  const src = args.src ?? '';
  const srcPath = findSource(src, ctx, 'files');
  if (srcPath === undefined) {
    const missing = missingSourceMessage(src, ctx, 'files');
    // In check mode an earlier task that would produce src has only been reported, so report the copy too.
    if (ctx.check) return { changed: true, dest: args.dest, msg: `${missing}; would copy it once it exists` };
    return { changed: false, failed: true, msg: missing };
  }
  const result = await deliverFile({ ...args, srcPath, content: await readFile(srcPath) }, ctx);
  return { ...result, src: srcPath };
}

export const copyModule: Module = {
  name: 'copy',
  aliases: ['ansible.builtin.copy'],
  validate: (args) => void parseCopyArgs(args),
  run: runCopy,
};
