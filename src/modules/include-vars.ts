import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { loadAnsibleYaml } from '../yaml/ansible-yaml.js';
import type { RawArgs } from './args.js';
import { argError, checkKnown, optBool, optString, optStringList } from './args.js';
import type { Module, ModuleContext, ModuleResult } from './types.js';

const KNOWN = [
  'file',
  'dir',
  'name',
  'files_matching',
  'ignore_files',
  'depth',
  'extensions',
  '_raw_params',
  'hash_behaviour',
  'ignore_unknown_extensions',
] as const;

export interface IncludeVarsArgs {
  file?: string;
  dir?: string;
  name?: string;
  filesMatching?: RegExp;
  extensions: string[];
}

export function parseIncludeVarsArgs(args: RawArgs): IncludeVarsArgs {
  checkKnown('include_vars', args, KNOWN);
  const file = optString('include_vars', args, 'file') ?? optString('include_vars', args, '_raw_params');
  const dir = optString('include_vars', args, 'dir');
  if ((file === undefined) === (dir === undefined))
    throw argError('include_vars', 'file', 'one of file or dir is required');
  const matching = optString('include_vars', args, 'files_matching');
  optBool('include_vars', args, 'ignore_unknown_extensions');
  return {
    ...(file !== undefined ? { file } : {}),
    ...(dir !== undefined ? { dir } : {}),
    ...(args.name !== undefined ? { name: optString('include_vars', args, 'name') as string } : {}),
    ...(matching !== undefined ? { filesMatching: new RegExp(matching) } : {}),
    extensions: optStringList('include_vars', args, 'extensions') ?? ['yaml', 'yml', 'json'],
  };
}

/** Where a relative name is looked for: the role's vars/, the task's folder, the playbook's vars/ and folder. */
export function varsCandidates(
  name: string,
  ctx: Pick<ModuleContext, 'taskDir' | 'playbookDir' | 'vars'>,
): string[] {
  if (isAbsolute(name)) return [name];
  const rolePath = typeof ctx.vars.role_path === 'string' ? ctx.vars.role_path : undefined;
  const dirs = [
    ...(rolePath ? [join(rolePath, 'vars'), rolePath] : []),
    ...(ctx.taskDir ? [join(ctx.taskDir, '..', 'vars'), join(ctx.taskDir, 'vars'), ctx.taskDir] : []),
    join(ctx.playbookDir, 'vars'),
    ctx.playbookDir,
  ];
  return [...new Set(dirs.map((d) => join(d, name)))];
}

function readVarsFile(path: string): Record<string, unknown> {
  const value: unknown = loadAnsibleYaml(readFileSync(path, 'utf8'), path, 'E_MODULE') ?? {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`${path} must hold a mapping`);
  return value as Record<string, unknown>;
}

function filesOf(args: IncludeVarsArgs, ctx: ModuleContext): string[] {
  if (args.file !== undefined) {
    const found = varsCandidates(args.file, ctx).find((p) => existsSync(p) && statSync(p).isFile());
    if (!found)
      throw new Error(
        `Could not find or access '${args.file}' (looked in ${varsCandidates(args.file, ctx).join(', ')})`,
      );
    return [found];
  }
  const dir = varsCandidates(args.dir as string, ctx).find((p) => existsSync(p) && statSync(p).isDirectory());
  if (!dir) throw new Error(`Could not find or access the folder '${args.dir}'`);
  return readdirSync(dir)
    .sort()
    .filter((f) => args.extensions.some((ext) => f.endsWith(`.${ext}`)))
    .filter((f) => !args.filesMatching || args.filesMatching.test(f))
    .map((f) => join(dir, f));
}

/** Reads the files on the controller; the runner layers the result as include_vars precedence. */
async function runIncludeVars(raw: RawArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const args = parseIncludeVarsArgs(raw);
  try {
    const files = filesOf(args, ctx);
    const vars = Object.assign({}, ...files.map(readVarsFile)) as Record<string, unknown>;
    const facts = args.name !== undefined ? { [args.name]: vars } : vars;
    return { changed: false, ansible_facts: facts, ansible_included_var_files: files };
  } catch (err) {
    return { changed: false, failed: true, msg: (err as Error).message };
  }
}

export const includeVarsModule: Module = {
  name: 'include_vars',
  aliases: ['ansible.builtin.include_vars'],
  validate: (args) => void parseIncludeVarsArgs(args),
  run: runIncludeVars,
};
