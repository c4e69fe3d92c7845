import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { Node } from 'yaml';
import type { Module } from '../modules/types.js';
import type { Play, Playbook } from './model.js';
import { parsePlay } from './play-parse.js';
import type { ParseContext } from './task-common.js';
import type { YamlSource } from './yaml-source.js';
import { entryError, expectMap, expectSeq, readYaml } from './yaml-source.js';
import { readString } from './fields.js';
import { roleSearchPaths } from './role-path.js';

export interface LoadOptions {
  lookupModule(name: string): Module | undefined;
  /** Folders to find roles in; Ansible's search order beside the playbook by default. */
  roleSearch?: string[];
  /** `-e` variables: templated import names may use them. */
  extraVars?: Record<string, unknown>;
}

/**
 * Reads a playbook and everything it imports, and validates it whole: unknown
 * keys, unknown modules and bad static arguments fail here, before any host is touched.
 */
export async function loadPlaybook(path: string, options: LoadOptions): Promise<Playbook> {
  const file = resolve(path);
  const dir = dirname(file);
  const ctx: ParseContext = {
    playbookDir: dir,
    taskDir: dir,
    lookupModule: options.lookupModule,
    includeStack: [file],
    roleSearch: options.roleSearch ?? roleSearchPaths(dir),
    roleHandlers: [],
    seenRoles: new Set(),
    publicRoles: [],
    extraVars: options.extraVars ?? {},
    loadVars: {},
  };
  return { path: file, dir, plays: await loadPlays(file, ctx) };
}

async function loadPlays(file: string, ctx: ParseContext): Promise<Play[]> {
  const src = await readYaml(file);
  const plays: Play[] = [];
  for (const node of expectSeq(src, src.doc.contents as Node | null, 'a playbook')) {
    const imported = await importedPlaybook(src, node, ctx);
    if (imported) plays.push(...imported);
    else plays.push(await parsePlay(src, node, ctx));
  }
  return plays;
}

/** `- import_playbook: other.yml` entries, relative to the importing playbook. */
async function importedPlaybook(src: YamlSource, node: Node, ctx: ParseContext): Promise<Play[] | undefined> {
  const entries = expectMap(src, node, 'a play');
  const entry = entries.find(
    (e) => e.key === 'import_playbook' || e.key === 'ansible.builtin.import_playbook',
  );
  if (!entry) return undefined;
  const extra = entries.find((e) => e !== entry && e.key !== 'name');
  if (extra) throw entryError(src, extra, `unknown import_playbook keyword '${extra.key}'`);
  const name = readString(src, entry);
  const file = resolve(isAbsolute(name) ? name : join(dirname(src.file), name));
  if (ctx.includeStack.includes(file)) throw entryError(src, entry, `import cycle through ${file}`);
  return loadPlays(file, { ...ctx, includeStack: [...ctx.includeStack, file] });
}
