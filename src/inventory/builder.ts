import type { SourceLocation } from '../errors.js';
import type { Inventory, InventoryChecks, InventoryGroup, InventoryHost, VarSite } from './types.js';
import { checkVariable, inventoryError } from './validate.js';

/**
 * Builds an Inventory the way Ansible's InventoryData does, so group order,
 * `ungrouped` membership and `all`'s children come out as ansible-inventory prints them.
 */
export class InventoryBuilder {
  private readonly hosts = new Map<string, InventoryHost>();
  private readonly groups = new Map<string, InventoryGroup>();
  private readonly parents = new Map<string, Set<string>>();

  constructor(
    private readonly sources: string[],
    readonly checks: InventoryChecks = {},
  ) {
    this.addGroup('all');
    this.addGroup('ungrouped');
    this.addChild('all', 'ungrouped', { file: '<builtin>' });
  }

  addGroup(name: string, source?: SourceLocation): InventoryGroup {
    let group = this.groups.get(name);
    if (!group) {
      group = { name, hosts: [], children: [], vars: {}, ...(source ? { source } : {}) };
      this.groups.set(name, group);
      this.parents.set(name, new Set());
    }
    return group;
  }

  hasGroup(name: string): boolean {
    return this.groups.has(name);
  }

  addChild(parent: string, child: string, where: SourceLocation): void {
    const group = this.groups.get(parent);
    if (!group || !this.groups.has(child)) throw inventoryError(`unknown group '${child}'`, where);
    if (parent === child) throw inventoryError(`group '${child}' cannot be a child of itself`, where);
    if (group.children.includes(child)) return;
    if (this.ancestors(parent).has(child)) {
      throw inventoryError(`adding group '${child}' as child to '${parent}' creates a loop`, where);
    }
    group.children.push(child);
    this.parents.get(child)?.add(parent);
  }

  /** Adds (or finds) a host, puts it in `group`, and sets vars on it, later values winning; callers validate vars. */
  addHost(name: string, group: string, vars: Record<string, unknown>, source: SourceLocation): void {
    let host = this.hosts.get(name);
    this.checks.host?.(name, source);
    if (!host) {
      host = { name, vars: {}, source };
      this.hosts.set(name, host);
    }
    const target = this.addGroup(group);
    if (!target.hosts.includes(name)) target.hosts.push(name);
    Object.assign(host.vars, vars);
  }

  setGroupVar(name: string, key: string, value: unknown, where: Omit<VarSite, 'scope' | 'varsFile'>): void {
    checkVariable(key, value, where);
    this.checks.variable?.(key, value, { ...where, scope: 'group', varsFile: false });
    const group = this.addGroup(name);
    // Ansible keeps the priority apart from the vars: it never shows up in hostvars.
    if (key === 'ansible_group_priority') group.priority = Number(value);
    else group.vars[key] = value;
  }

  private ancestors(name: string): Set<string> {
    const seen = new Set<string>();
    const queue = [...(this.parents.get(name) ?? [])];
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(...(this.parents.get(next) ?? []));
    }
    return seen;
  }

  /** Ansible's reconcile_inventory: orphan groups join `all`, hosts in no real group join `ungrouped`. */
  build(): Inventory {
    for (const name of this.groups.keys()) {
      if (name !== 'all' && (this.parents.get(name)?.size ?? 0) === 0)
        this.addChild('all', name, { file: '<builtin>' });
    }
    const ungrouped = this.groups.get('ungrouped');
    const member = new Map<string, Set<string>>();
    for (const group of this.groups.values()) {
      for (const host of group.hosts) member.set(host, (member.get(host) ?? new Set()).add(group.name));
    }
    for (const name of this.hosts.keys()) {
      const direct = [...(member.get(name) ?? [])].filter((g) => g !== 'all' && g !== 'ungrouped');
      if (!ungrouped) break;
      if (direct.length > 0) ungrouped.hosts = ungrouped.hosts.filter((h) => h !== name);
      else if (!ungrouped.hosts.includes(name)) ungrouped.hosts.push(name);
    }
    return { sources: this.sources, hosts: this.hosts, groups: this.groups };
  }
}
