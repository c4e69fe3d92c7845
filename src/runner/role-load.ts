import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Node } from 'yaml';
import { IngressError } from '../errors.js';
import { parseHandlers } from './handler-parse.js';
import type { ActionTask, BlockTask, RoleScope, TaskCommon, TaskNode } from './model.js';
import { findRole } from './role-path.js';
import type { ParseContext } from './task-common.js';
import type { Entry, YamlSource } from './yaml-source.js';
import { entryError, readYaml, toJs } from './yaml-source.js';

type ParseList = (src: YamlSource, node: Node | null, ctx: ParseContext) => Promise<TaskNode[]>;

/** A reference to a role: from `roles:`, a meta dependency, or include_role/import_role. */
export interface RoleRef {
  name: string;
  params: Record<string, unknown>;
  /** `vars:` of a roles entry: role vars, under the role's vars/main.yml. */
  vars?: Record<string, unknown>;
  tasksFrom?: string;
  varsFrom?: string;
  defaultsFrom?: string;
  handlersFrom?: string;
  /** include_role runs the role each time; `roles:` and dependencies run it once per play. */
  once: boolean;
  /**
   * Where the role's scope (and its dependencies') is exposed: the play's public
   * roles, or `'after'` for include_role's `public: true`; private when absent.
   */
  exposure?: RoleScope[] | 'after';
}

/** `tasks/main.yml`, `main.yaml` or `main`: the first that exists, as Ansible finds them. */
export function roleFile(rolePath: string, folder: string, base = 'main'): string | undefined {
  const names = /\.ya?ml$/.test(base) ? [base] : [`${base}.yml`, `${base}.yaml`, base];
  return names.map((n) => join(rolePath, folder, n)).find((p) => existsSync(p));
}

async function readMapping(file: string | undefined): Promise<Record<string, unknown>> {
  if (file === undefined) return {};
  const src = await readYaml(file);
  const value = toJs(src, src.doc.contents as Node | null) ?? {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new IngressError('E_PLAYBOOK', `${file} must hold a mapping of variables`, { location: { file } });
  }
  return value as Record<string, unknown>;
}

async function readScope(rolePath: string, ref: RoleRef): Promise<RoleScope> {
  return {
    name: ref.name.split('/').pop() as string,
    path: rolePath,
    defaults: await readMapping(roleFile(rolePath, 'defaults', ref.defaultsFrom)),
    vars: { ...ref.vars, ...(await readMapping(roleFile(rolePath, 'vars', ref.varsFrom))) },
    params: ref.params,
  };
}

async function loadTaskFile(
  file: string | undefined,
  ctx: ParseContext,
  parse: ParseList,
): Promise<TaskNode[]> {
  if (file === undefined) return [];
  if (ctx.includeStack.includes(file)) {
    throw new IngressError('E_PLAYBOOK', `role recursion through ${file}`, { location: { file } });
  }
  const src = await readYaml(file);
  return parse(src, src.doc.contents as Node | null, { ...ctx, includeStack: [...ctx.includeStack, file] });
}

/** The role's handlers join the play's, once per role, keeping the role's variables. */
async function loadHandlers(scope: RoleScope, ref: RoleRef, ctx: ParseContext): Promise<void> {
  const file = roleFile(scope.path, 'handlers', ref.handlersFrom);
  const key = `handlers:${file ?? ''}`;
  if (file === undefined || ctx.seenRoles.has(key)) return;
  ctx.seenRoles.add(key);
  const src = await readYaml(file);
  const handlerCtx = { ...ctx, taskDir: join(scope.path, 'handlers'), role: scope };
  const handlers = await parseHandlers(src, src.doc.contents as Node | null, handlerCtx);
  ctx.roleHandlers.push(...handlers.map((h): ActionTask => ({ ...h, role: scope })));
}

export interface RoleSite {
  src: YamlSource;
  entry: Entry;
}

/** Reads meta/main.yml's dependencies; they run before the role, each once per play. */
export type LoadDeps = (scope: RoleScope, ctx: ParseContext) => Promise<TaskNode[]>;

/**
 * A role becomes a block: its dependencies, then its tasks, all carrying the
 * role's scope (defaults, vars, params, role_path); its handlers join the play's.
 */
export async function loadRole(
  ref: RoleRef,
  common: TaskCommon,
  site: RoleSite,
  ctx: ParseContext,
  hooks: { parseList: ParseList; loadDeps: LoadDeps },
): Promise<BlockTask> {
  const path = findRole(ref.name, ctx.roleSearch, ctx.role ? join(ctx.role.path, '..') : undefined);
  if (path === undefined) {
    const where = ctx.roleSearch.join(', ');
    throw entryError(
      site.src,
      site.entry,
      `the role '${ref.name}' was not found in ${where}`,
      'E_PLAYBOOK_MISSING',
    );
  }
  const empty: BlockTask = { ...common, kind: 'block', block: [], rescue: [], always: [] };
  const key = `${path}|${JSON.stringify(ref.params)}|${JSON.stringify(ref.vars ?? {})}|${ref.tasksFrom ?? ''}`;
  if (ref.once && ctx.seenRoles.has(key)) return empty;
  ctx.seenRoles.add(key);
  const scope = await readScope(path, ref);
  const sink = ref.exposure === 'after' ? [] : ref.exposure;
  sink?.push(scope);
  const roleCtx: ParseContext = { ...ctx, taskDir: join(path, 'tasks'), role: scope };
  delete roleCtx.depSink;
  const deps = await hooks.loadDeps(scope, sink ? { ...roleCtx, depSink: sink } : roleCtx);
  const tasks = await loadTaskFile(roleFile(path, 'tasks', ref.tasksFrom), roleCtx, hooks.parseList);
  await loadHandlers(scope, ref, ctx);
  const block: BlockTask = {
    ...empty,
    name: common.name ?? scope.name,
    role: scope,
    block: [...deps, ...tasks],
  };
  return ref.exposure === 'after' && sink ? { ...block, exposes: sink } : block;
}
