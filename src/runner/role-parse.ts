import type { Node } from 'yaml';
import { isMap } from 'yaml';
import { containsTemplate, readBool, readString, readVars } from './fields.js';
import { renderAtLoad } from './load-render.js';
import type { BlockTask, RoleScope, TaskNode } from './model.js';
import type { RoleRef, RoleSite } from './role-load.js';
import { loadRole, roleFile } from './role-load.js';
import type { ParseContext } from './task-common.js';
import { COMMON_KEYS, parseCommon, rejectUnknown } from './task-common.js';
import type { Entry, YamlSource } from './yaml-source.js';
import { entryError, expectMap, expectSeq, lineOf, readYaml, resolveNode, toJs } from './yaml-source.js';

type ParseList = (src: YamlSource, node: Node | null, ctx: ParseContext) => Promise<TaskNode[]>;

export const ROLE_TASK_NAMES = new Set([
  'include_role',
  'import_role',
  'ansible.builtin.include_role',
  'ansible.builtin.import_role',
]);

const ROLE_TASK_ARGS = new Set([
  'name',
  'tasks_from',
  'vars_from',
  'defaults_from',
  'handlers_from',
  'allow_duplicates',
  'public',
  'apply',
  'rolespec_validate',
]);

/**
 * One entry of `roles:` or of meta `dependencies:`: a name, or a mapping with
 * `role` (or `name`), task keywords, and everything else as role parameters.
 */
async function parseRoleEntry(
  src: YamlSource,
  node: Node,
  ctx: ParseContext,
  parseList: ParseList,
  exposure: RoleScope[] | undefined,
) {
  const line = lineOf(src, node);
  const exposed = exposure ? { exposure } : {};
  if (!isMap(resolveNode(src, node))) {
    const entry: Entry = { key: 'role', line, node };
    const ref: RoleRef = { name: roleName(src, entry, ctx), params: {}, once: true, ...exposed };
    const common = parseCommon(src, [], line, ctx).common;
    return loadRole(ref, common, { src, entry }, ctx, hooks(parseList));
  }
  const entries = expectMap(src, node, 'a role');
  const nameEntry = entries.find((e) => e.key === 'role') ?? entries.find((e) => e.key === 'name');
  if (!nameEntry) throw entryError(src, { key: 'role', line, node }, 'a role entry needs role or name');
  const keywords = entries.filter((e) => e !== nameEntry && COMMON_KEYS.has(e.key) && e.key !== 'vars');
  const { common } = parseCommon(src, keywords, line, ctx);
  const params: Record<string, unknown> = {};
  let vars: Record<string, unknown> = {};
  for (const e of entries) {
    if (e === nameEntry || keywords.includes(e)) continue;
    // `vars:` on a roles entry are the role's vars (under vars/main.yml, public with
    // the role); the loose keys are its parameters (for its own tasks only).
    if (e.key === 'vars') vars = readVars(src, e);
    else params[e.key] = toJs(src, e.node);
  }
  const ref: RoleRef = { name: roleName(src, nameEntry, ctx), params, vars, once: true, ...exposed };
  return loadRole(ref, common, { src, entry: nameEntry }, ctx, hooks(parseList));
}

/** `roles:` and import_role names are read with the playbook, so templates render then. */
function roleName(src: YamlSource, entry: Entry, ctx: ParseContext): string {
  const name = readString(src, entry);
  return containsTemplate(name) ? renderAtLoad(src, entry, name, ctx) : name;
}

function hooks(parseList: ParseList) {
  return { parseList, loadDeps: (scope: RoleScope, ctx: ParseContext) => loadDeps(scope, ctx, parseList) };
}

async function loadDeps(scope: RoleScope, ctx: ParseContext, parseList: ParseList): Promise<TaskNode[]> {
  const file = roleFile(scope.path, 'meta');
  if (file === undefined) return [];
  const src = await readYaml(file);
  const meta = expectMap(src, src.doc.contents as Node | null, 'meta/main.yml');
  const deps = meta.find((e) => e.key === 'dependencies');
  const out: TaskNode[] = [];
  for (const item of expectSeq(src, deps?.node ?? null, 'dependencies')) {
    // A dependency is as public as the role that needs it.
    out.push(await parseRoleEntry(src, item, ctx, parseList, ctx.depSink));
  }
  return out;
}

/** The play's `roles:` list, each role a block run before the play's tasks. */
export async function parseRoles(
  src: YamlSource,
  node: Node | null,
  ctx: ParseContext,
  parseList: ParseList,
): Promise<TaskNode[]> {
  const out: TaskNode[] = [];
  for (const item of expectSeq(src, node, 'roles'))
    out.push(await parseRoleEntry(src, item, ctx, parseList, ctx.publicRoles));
  return out;
}

function roleTaskRef(src: YamlSource, entry: Entry, ctx: ParseContext): RoleRef {
  const args = expectMap(src, entry.node, entry.key);
  rejectUnknown(src, args, ROLE_TASK_ARGS, entry.key);
  const get = (key: string) => args.find((e) => e.key === key);
  const name = get('name');
  if (!name) throw entryError(src, entry, `${entry.key} needs a name`);
  const late = entry.key.endsWith('include_role');
  const ref: RoleRef = {
    name: late ? readString(src, name) : roleName(src, name, ctx),
    params: {},
    once: false,
  };
  const from = (key: string) => (get(key) ? readString(src, get(key) as Entry) : undefined);
  const optional = {
    tasksFrom: from('tasks_from'),
    varsFrom: from('vars_from'),
    defaultsFrom: from('defaults_from'),
    handlersFrom: from('handlers_from'),
  };
  for (const [key, value] of Object.entries(optional))
    if (value !== undefined) Object.assign(ref, { [key]: value });
  const dup = get('allow_duplicates');
  if (dup && !readBool(src, dup)) ref.once = true;
  // import_role is read with the play, so Ansible exposes it to the whole play;
  // include_role only with `public: true`, and only to the tasks after it.
  const pub = get('public');
  if (pub && entry.key.endsWith('import_role'))
    throw entryError(src, pub, 'public is an option of include_role only');
  if (entry.key.endsWith('import_role')) ref.exposure = ctx.publicRoles;
  else if (pub && readBool(src, pub)) ref.exposure = 'after';
  return ref;
}

/**
 * include_role and import_role are both read at load time (as include_tasks is
 * here), so every task of the role is validated before a host is touched.
 */
export async function parseRoleTask(
  src: YamlSource,
  entries: Entry[],
  line: number,
  ctx: ParseContext,
  parseList: ParseList,
): Promise<BlockTask> {
  const { common, rest } = parseCommon(src, entries, line, ctx);
  const entry = rest.find((e) => ROLE_TASK_NAMES.has(e.key)) as Entry;
  rejectUnknown(
    src,
    rest.filter((e) => e !== entry),
    COMMON_KEYS,
    entry.key,
  );
  const site: RoleSite = { src, entry };
  const ref = roleTaskRef(src, entry, ctx);
  if (containsTemplate(ref.name)) {
    // include_role of "{{ name }}": read when it runs, per host; the keywords stay on the outer block.
    const bare = parseCommon(src, [], line, ctx).common;
    const load = async (rendered: string) => [
      await loadRole({ ...ref, name: rendered }, bare, site, ctx, hooks(parseList)),
    ];
    const empty = { block: [], rescue: [], always: [] };
    return {
      ...common,
      ...empty,
      kind: 'block',
      dynamic: true,
      name: common.name ?? entry.key,
      late: { name: ref.name, load },
    };
  }
  const block = await loadRole(ref, common, site, ctx, hooks(parseList));
  return entry.key.endsWith('include_role')
    ? { ...block, dynamic: true, name: common.name ?? entry.key }
    : block;
}
