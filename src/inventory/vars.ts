import { dirname } from 'node:path';
import { IngressError } from '../errors.js';
import { groupHostNames, hostGroupNames, sortGroups } from './graph.js';
import type { AdjacentVars, Inventory } from './types.js';
import { loadAdjacentVars } from './vars-files.js';

export interface HostVarsOptions {
  /** The playbook's folder: its group_vars/ and host_vars/ rank above the inventory's. */
  playbookDir?: string;
}

type Vars = Record<string, unknown>;

/** Playbook-side vars files are read once per inventory and folder. */
const playbookCache = new WeakMap<Inventory, Map<string, AdjacentVars>>();

function playbookVars(inventory: Inventory, dir: string): AdjacentVars {
  let byDir = playbookCache.get(inventory);
  if (!byDir) {
    byDir = new Map();
    playbookCache.set(inventory, byDir);
  }
  let found = byDir.get(dir);
  if (!found) {
    found = loadAdjacentVars(dir, inventory.groups.keys(), inventory.hosts.keys());
    byDir.set(dir, found);
  }
  return found;
}

/** Vars files merge source by source, and within a source group by group (Ansible's get_vars_from_inventory_sources). */
function fromFiles(layers: AdjacentVars[], kind: 'groups' | 'hosts', names: string[]): Vars {
  const out: Vars = {};
  for (const layer of layers) {
    for (const name of names) Object.assign(out, layer[kind].get(name));
  }
  return out;
}

/** The groups of a host, `all` excluded, in Ansible's merge order. */
export function hostGroupsInOrder(inventory: Inventory, host: string): string[] {
  return sortGroups(
    inventory,
    hostGroupNames(inventory, host).filter((g) => g !== 'all'),
  );
}

/** Ansible's magic variables that depend only on the inventory. */
export function magicVars(inventory: Inventory, hostName: string): Vars {
  const host = inventory.hosts.get(hostName);
  const groups: Record<string, string[]> = {};
  for (const name of inventory.groups.keys()) groups[name] = groupHostNames(inventory, name);
  const file = host?.source.file;
  return {
    inventory_hostname: hostName,
    inventory_hostname_short: hostName.split('.')[0] ?? hostName,
    // Real Ansible drops only `all`: `ungrouped` shows up for hosts in no group.
    group_names: hostGroupNames(inventory, hostName)
      .filter((g) => g !== 'all')
      .sort(),
    groups,
    ...(file ? { inventory_file: file, inventory_dir: dirname(file) } : {}),
  };
}

/**
 * A host's variables with Ansible's precedence, lowest first: inventory `all` vars,
 * inventory group vars (by depth, priority, name), group_vars/all (inventory, then
 * playbook), group_vars/<group> (inventory, then playbook), inventory host vars,
 * host_vars/ (inventory, then playbook), then magic variables. Values are not templated.
 */
export function hostVars(inventory: Inventory, hostName: string, options: HostVarsOptions = {}): Vars {
  const host = inventory.hosts.get(hostName);
  if (!host) {
    throw new IngressError('E_INVENTORY', `unknown host '${hostName}'`, {
      location: { file: inventory.sources.join(', '), field: hostName },
    });
  }
  const adjacent = inventory.adjacentVars ?? [];
  const play = options.playbookDir === undefined ? [] : [playbookVars(inventory, options.playbookDir)];
  const groups = hostGroupsInOrder(inventory, hostName);
  const layers: Vars[] = [
    inventory.groups.get('all')?.vars ?? {},
    ...groups.map((g) => inventory.groups.get(g)?.vars ?? {}),
    fromFiles(adjacent, 'groups', ['all']),
    fromFiles(play, 'groups', ['all']),
    fromFiles(adjacent, 'groups', groups),
    fromFiles(play, 'groups', groups),
    host.vars,
    fromFiles(adjacent, 'hosts', [hostName]),
    fromFiles(play, 'hosts', [hostName]),
    magicVars(inventory, hostName),
    options.playbookDir === undefined ? {} : { playbook_dir: options.playbookDir },
  ];
  return structuredClone(Object.assign({}, ...layers) as Vars);
}
