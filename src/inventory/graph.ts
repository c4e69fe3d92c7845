import type { Inventory } from './types.js';

/** Parent groups of every group, from the children lists. */
export function parentMap(inventory: Inventory): Map<string, string[]> {
  const parents = new Map<string, string[]>();
  for (const name of inventory.groups.keys()) parents.set(name, []);
  for (const group of inventory.groups.values()) {
    for (const child of group.children) parents.get(child)?.push(group.name);
  }
  return parents;
}

/** Ansible's group depth: the longest path from `all` (depth 0). */
export function groupDepths(inventory: Inventory): Map<string, number> {
  const parents = parentMap(inventory);
  const depths = new Map<string, number>();
  const depthOf = (name: string): number => {
    const known = depths.get(name);
    if (known !== undefined) return known;
    const ups = parents.get(name) ?? [];
    const depth = ups.length === 0 ? 0 : Math.max(...ups.map((p) => depthOf(p) + 1));
    depths.set(name, depth);
    return depth;
  };
  for (const name of inventory.groups.keys()) depthOf(name);
  return depths;
}

/** Every group the host belongs to, directly or through a child group (includes `all`). */
export function hostGroupNames(inventory: Inventory, host: string): string[] {
  const parents = parentMap(inventory);
  const found = new Set<string>();
  const queue = [...inventory.groups.values()].filter((g) => g.hosts.includes(host)).map((g) => g.name);
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    if (found.has(next)) continue;
    found.add(next);
    queue.push(...(parents.get(next) ?? []));
  }
  return [...found];
}

/** Ansible's Group.get_hosts: own hosts, then descendants breadth-first, without duplicates. */
export function groupHostNames(inventory: Inventory, group: string): string[] {
  const hosts = new Set<string>();
  const seen = new Set<string>();
  const queue = [group];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    if (seen.has(next)) continue;
    seen.add(next);
    const g = inventory.groups.get(next);
    if (!g) continue;
    for (const h of g.hosts) hosts.add(h);
    queue.push(...g.children);
  }
  return [...hosts];
}

/** Ansible's sort_groups: by depth, then ansible_group_priority, then name. */
export function sortGroups(inventory: Inventory, names: string[]): string[] {
  const depths = groupDepths(inventory);
  const key = (n: string): [number, number] => [depths.get(n) ?? 0, inventory.groups.get(n)?.priority ?? 1];
  return [...names].sort((a, b) => {
    const [da, pa] = key(a);
    const [db, pb] = key(b);
    if (da !== db) return da - db;
    if (pa !== pb) return pa - pb;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}
