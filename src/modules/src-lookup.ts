import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { ModuleContext } from './types.js';

/**
 * Where Ansible looks for a relative `src`: the task's and the playbook's
 * files/ (or templates/) folders, a role's sibling folder, then the folders themselves.
 */
export function sourceCandidates(src: string, ctx: ModuleContext, folder: 'files' | 'templates'): string[] {
  if (isAbsolute(src)) return [src];
  const dirs: string[] = [];
  // Inside a role, its own files/ and templates/ come first, wherever the task file sits.
  const rolePath = ctx.vars.role_path;
  if (typeof rolePath === 'string') dirs.push(join(rolePath, folder));
  if (ctx.taskDir !== undefined) dirs.push(join(ctx.taskDir, folder), join(ctx.taskDir, '..', folder));
  dirs.push(join(ctx.playbookDir, folder));
  if (ctx.taskDir !== undefined) dirs.push(ctx.taskDir);
  dirs.push(ctx.playbookDir);
  return [...new Set(dirs.map((d) => join(d, src)))];
}

/** The first candidate that is a readable regular file on the controller. */
export function findSource(
  src: string,
  ctx: ModuleContext,
  folder: 'files' | 'templates',
): string | undefined {
  return sourceCandidates(src, ctx, folder).find((p) => existsSync(p) && statSync(p).isFile());
}

/** Ansible's message for a `src` found nowhere, naming every place looked in. */
export function missingSourceMessage(src: string, ctx: ModuleContext, folder: 'files' | 'templates'): string {
  return `Could not find or access '${src}' (looked in ${sourceCandidates(src, ctx, folder).join(', ')})`;
}
