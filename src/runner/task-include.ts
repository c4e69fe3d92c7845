import { access } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { Node } from 'yaml';
import { isMap } from 'yaml';
import { containsTemplate, readString } from './fields.js';
import type { BlockTask, TaskNode } from './model.js';
import type { ParseContext } from './task-common.js';
import { COMMON_KEYS, INCLUDE_NAMES, parseCommon, rejectUnknown, WITH_LOOKUPS } from './task-common.js';
import { renderAtLoad } from './load-render.js';
import { parseLoop } from './loop-parse.js';
import type { Entry, YamlSource } from './yaml-source.js';
import { entryError, expectMap, readYaml, resolveNode } from './yaml-source.js';

type ParseList = (src: YamlSource, node: Node | null, ctx: ParseContext) => Promise<TaskNode[]>;

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Ansible's lookup for task files: a `tasks/` folder first, then the folder itself; the including file's folder before the playbook's. */
export async function findTaskFile(
  file: string,
  fromDir: string,
  playbookDir: string,
): Promise<string | undefined> {
  if (isAbsolute(file)) return (await exists(file)) ? file : undefined;
  const dirs = fromDir === playbookDir ? [fromDir] : [fromDir, playbookDir];
  for (const dir of dirs) {
    for (const candidate of [join(dir, 'tasks', file), join(dir, file)]) {
      if (await exists(candidate)) return resolve(candidate);
    }
  }
  return undefined;
}

function includeFileName(src: YamlSource, entry: Entry): string {
  if (isMap(resolveNode(src, entry.node))) {
    const fileEntry = expectMap(src, entry.node, entry.key).find((e) => e.key === 'file');
    if (!fileEntry) throw entryError(src, entry, `${entry.key} needs a file`);
    return readString(src, fileEntry);
  }
  return readString(src, entry);
}

/**
 * include_tasks and import_tasks are both read at load time, so every task is
 * validated before a host is touched; their keywords (when, tags, vars, become)
 * apply to the included tasks, as a block's do.
 */
export async function parseInclude(
  src: YamlSource,
  entries: Entry[],
  line: number,
  ctx: ParseContext,
  parseList: ParseList,
): Promise<BlockTask> {
  const { common, rest } = parseCommon(src, entries, line, ctx);
  const includeEntry = rest.find((e) => INCLUDE_NAMES.has(e.key)) as Entry;
  const loopKeys = new Set(['loop', 'with_items', 'loop_control', ...WITH_LOOKUPS.map((l) => `with_${l}`)]);
  rejectUnknown(
    src,
    rest.filter((e) => e !== includeEntry),
    new Set([...COMMON_KEYS, ...loopKeys]),
    'include',
  );
  const loop = parseLoop(src, (key) => rest.find((e) => e.key === key));
  const dynamic = includeEntry.key.endsWith('include_tasks');
  const raw = includeFileName(src, includeEntry);
  const late = dynamic && containsTemplate(raw);
  const name = containsTemplate(raw) && !dynamic ? renderAtLoad(src, includeEntry, raw, ctx) : raw;
  const read = (file: string) => readTaskFile(src, includeEntry, file, ctx, parseList);
  return {
    ...common,
    name: common.name ?? `${includeEntry.key} ${name}`,
    kind: 'block',
    block: late ? [] : await read(name),
    rescue: [],
    always: [],
    ...(loop ? { loop } : {}),
    ...(dynamic ? { dynamic: true } : {}),
    ...(late ? { late: { name, load: read } } : {}),
  };
}

async function readTaskFile(
  src: YamlSource,
  entry: Entry,
  name: string,
  ctx: ParseContext,
  parseList: ParseList,
): Promise<TaskNode[]> {
  const path = await findTaskFile(name, ctx.taskDir, ctx.playbookDir);
  if (!path) throw entryError(src, entry, `task file '${name}' not found`, 'E_PLAYBOOK_MISSING');
  if (ctx.includeStack.includes(path)) throw entryError(src, entry, `include cycle through ${path}`);
  const included = await readYaml(path);
  const childCtx: ParseContext = {
    ...ctx,
    taskDir: dirname(path),
    includeStack: [...ctx.includeStack, path],
  };
  return parseList(included, included.doc.contents as Node | null, childCtx);
}
