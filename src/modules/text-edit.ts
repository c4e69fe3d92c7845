import { runFact } from '../facts/run.js';
import { contentFact } from '../facts/stat.js';
import type { RawArgs } from './args.js';
import { argError, optBool, optString } from './args.js';
import { deliverFile } from './deliver-file.js';
import { parseMode } from './mode.js';
import type { ModeSpec } from './mode.js';
import type { ModuleContext, ModuleResult } from './types.js';

/** The file arguments lineinfile and blockinfile share with copy. */
export interface EditedFileArgs {
  path: string;
  create: boolean;
  backup: boolean;
  mode?: ModeSpec;
  owner?: string;
  group?: string;
  validate?: string;
}

export const EDITED_FILE_KEYS = [
  'path',
  'create',
  'backup',
  'mode',
  'owner',
  'group',
  'validate',
  'unsafe_writes',
];

export function parseEditedFile(module: string, args: RawArgs): EditedFileArgs {
  const path = optString(module, args, 'path');
  if (path === undefined || path === '') throw argError(module, 'path', 'is required');
  const validate = optString(module, args, 'validate');
  if (validate !== undefined && !validate.includes('%s'))
    throw argError(module, 'validate', 'must contain %s');
  return {
    path,
    create: optBool(module, args, 'create') ?? false,
    backup: optBool(module, args, 'backup') ?? false,
    mode: parseMode(module, 'mode', args.mode),
    owner: optString(module, args, 'owner'),
    group: optString(module, args, 'group'),
    validate,
  };
}

/** Python's named groups `(?P<name>...)` and `(?P=name)` in JavaScript's spelling. */
export function pythonRegExp(module: string, field: string, source: string): RegExp {
  try {
    return new RegExp(source.replace(/\(\?P</g, '(?<').replace(/\(\?P=(\w+)\)/g, '\\k<$1>'));
  } catch (err) {
    throw argError(module, field, `is not a valid regular expression: ${(err as Error).message}`);
  }
}

/**
 * Reads the file once, applies the pure edit, and hands the result to the same
 * atomic write as copy, so check, diff, backup, validate and attributes behave alike.
 */
export async function runTextEdit(
  module: string,
  file: EditedFileArgs,
  edit: (content: string) => string,
  ctx: ModuleContext,
): Promise<ModuleResult> {
  const current = await runFact(ctx.remote, contentFact(file.path));
  if (!current.exists && !file.create) {
    const after = edit('');
    if (after === '') return { changed: false, msg: `${file.path} does not exist, nothing to do` };
    return { changed: false, failed: true, rc: 257, msg: `Destination ${file.path} does not exist !` };
  }
  const after = edit(current.content);
  if (!current.exists && after === '')
    return { changed: false, msg: `${file.path} does not exist, nothing to do` };
  const result = await deliverFile(
    { ...file, dest: file.path, content: Buffer.from(after), force: true },
    ctx,
  );
  const edited = after !== current.content || !current.exists;
  return { ...result, msg: edited ? `${module}: ${file.path} edited` : String(result.msg ?? '') };
}
