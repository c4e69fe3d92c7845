import { readFile, readdir, stat } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { isMap, parseDocument } from 'yaml';
import { InventoryBuilder } from './builder.js';
import { parseIniInventory } from './ini-source.js';
import type { Inventory, InventoryChecks } from './types.js';
import { inventoryError } from './validate.js';
import { loadAdjacentVars } from './vars-files.js';
import { ANSIBLE_YAML_OPTIONS } from '../yaml/ansible-yaml.js';
import { parseYamlInventory } from './yaml-source.js';

const YAML_EXTENSIONS = ['.yml', '.yaml', '.json'];
/** Ansible's INVENTORY_IGNORE_EXTS default: note that `.ini` files inside a folder are skipped. */
const IGNORED_EXTENSIONS = [
  '.pyc',
  '.pyo',
  '.swp',
  '.bak',
  '~',
  '.rpm',
  '.md',
  '.txt',
  '.rst',
  '.orig',
  '.ini',
  '.cfg',
  '.retry',
];
const IGNORED_NAMES = ['group_vars', 'host_vars', 'vars_plugins'];

function ignoredInFolder(entry: string): boolean {
  return (
    entry.startsWith('.') ||
    IGNORED_NAMES.includes(entry) ||
    IGNORED_EXTENSIONS.some((ext) => entry.endsWith(ext))
  );
}

/** Like Ansible's yaml-then-ini plugin order: an extension-less file is YAML only if it reads as a YAML mapping. */
function looksLikeYaml(file: string, text: string): boolean {
  const ext = extname(file);
  if (YAML_EXTENSIONS.includes(ext)) return true;
  if (ext !== '') return false;
  const doc = parseDocument(text, ANSIBLE_YAML_OPTIONS);
  return doc.errors.length === 0 && isMap(doc.contents);
}

async function parseFile(file: string, builder: InventoryBuilder): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw inventoryError(`cannot read inventory: ${(err as Error).message}`, { file }, err);
  }
  if (looksLikeYaml(file, text)) parseYamlInventory(file, text, builder);
  else parseIniInventory(file, text, builder);
}

async function parseSource(path: string, builder: InventoryBuilder): Promise<void> {
  const info = await stat(path).catch((err: unknown) => {
    throw inventoryError(`inventory source not found: ${(err as Error).message}`, { file: path }, err);
  });
  if (!info.isDirectory()) return parseFile(path, builder);
  const entries = (await readdir(path)).sort();
  for (const entry of entries) {
    if (!ignoredInFolder(entry)) await parseSource(join(path, entry), builder);
  }
}

/**
 * Loads Ansible inventories (YAML, INI, or folders of them) plus the group_vars/
 * and host_vars/ beside each source. Throws IngressError('E_INVENTORY') naming
 * file, line and field on the first problem, before any host is touched;
 * `checks` see every variable and host name with where it was set.
 */
export async function loadInventory(paths: string[], checks: InventoryChecks = {}): Promise<Inventory> {
  if (paths.length === 0) throw inventoryError('no inventory given (use -i PATH)', { file: '<none>' });
  const builder = new InventoryBuilder([...paths], checks);
  for (const path of paths) await parseSource(path, builder);
  const inventory = builder.build();
  const baseDirs = await Promise.all(
    paths.map(async (p) => ((await stat(p)).isDirectory() ? p : dirname(p))),
  );
  inventory.adjacentVars = baseDirs.map((dir) =>
    loadAdjacentVars(dir, inventory.groups.keys(), inventory.hosts.keys(), checks),
  );
  return inventory;
}
