import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { AdjacentVars, InventoryChecks } from './types.js';
import { checkVariable, inventoryError } from './validate.js';
import { parseYamlFile, readVarsMapping } from './yaml-doc.js';

const EXTENSIONS = ['', '.yml', '.yaml', '.json'];

function isDir(path: string): boolean {
  return statSync(path).isDirectory();
}

/** Files in a NAME/ folder, recursively, in lexical order; hidden files, backups and other extensions are skipped. */
function dirVarsFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .filter((entry) => !entry.startsWith('.') && !entry.endsWith('~'))
    .flatMap((entry) => {
      const full = join(dir, entry);
      const ext = extname(entry);
      if (isDir(full)) return ext ? [] : dirVarsFiles(full);
      return !ext || EXTENSIONS.includes(ext) ? [full] : [];
    });
}

/** Ansible's find_vars_files: the first of NAME, NAME.yml, NAME.yaml, NAME.json that exists (a folder counts). */
export function findVarsFiles(dir: string, name: string): string[] {
  for (const ext of EXTENSIONS) {
    const path = join(dir, `${name}${ext}`);
    if (!existsSync(path)) continue;
    return isDir(path) ? dirVarsFiles(path) : [path];
  }
  return [];
}

/** Reads and validates one vars file; an empty file gives no vars. */
export function readVarsFile(
  file: string,
  scope: 'host' | 'group' = 'group',
  checks: InventoryChecks = {},
): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw inventoryError(`cannot read vars file: ${(err as Error).message}`, { file }, err);
  }
  const vars: Record<string, unknown> = {};
  for (const { name, value, line, lineAt } of readVarsMapping(parseYamlFile(file, text))) {
    const site = { file, ...(line === undefined ? {} : { line }), field: name };
    checkVariable(name, value, site);
    checks.variable?.(name, value, { ...site, scope, varsFile: true, lineAt });
    vars[name] = value;
  }
  return vars;
}

function loadEntities(
  dir: string,
  names: Iterable<string>,
  scope: 'host' | 'group',
  checks: InventoryChecks,
): Map<string, Record<string, unknown>> {
  const found = new Map<string, Record<string, unknown>>();
  if (!existsSync(dir) || !isDir(dir)) return found;
  for (const name of names) {
    // An absolute-looking name (a chroot path) is never looked up, as in Ansible.
    if (name.startsWith('/')) continue;
    const files = findVarsFiles(dir, name);
    if (files.length === 0) continue;
    // Top-level keys replace, as Ansible's default hash_behaviour=replace does.
    const layers = files.map((file) => readVarsFile(file, scope, checks));
    found.set(name, Object.assign({}, ...layers) as Record<string, unknown>);
  }
  return found;
}

/** group_vars/ and host_vars/ under `dir`, for the given groups and hosts. */
export function loadAdjacentVars(
  dir: string,
  groups: Iterable<string>,
  hosts: Iterable<string>,
  checks: InventoryChecks = {},
): AdjacentVars {
  return {
    dir,
    groups: loadEntities(join(dir, 'group_vars'), groups, 'group', checks),
    hosts: loadEntities(join(dir, 'host_vars'), hosts, 'host', checks),
  };
}
