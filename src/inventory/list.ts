import { groupHostNames } from './graph.js';
import type { Inventory } from './types.js';
import { hostVars } from './vars.js';
import type { HostVarsOptions } from './vars.js';

/** Names ansible-inventory strips from hostvars: magic and run-time variables. */
const INTERNAL_VARS = new Set([
  'ansible_diff_mode',
  'ansible_config_file',
  'ansible_facts',
  'ansible_forks',
  'ansible_inventory_sources',
  'ansible_limit',
  'ansible_playbook_python',
  'ansible_run_tags',
  'ansible_skip_tags',
  'ansible_verbosity',
  'ansible_version',
  'inventory_dir',
  'inventory_file',
  'inventory_hostname',
  'inventory_hostname_short',
  'groups',
  'group_names',
  'omit',
  'playbook_dir',
]);

export interface ListGroup {
  hosts?: string[];
  children?: string[];
}

export type AnsibleList = Record<string, ListGroup> & {
  _meta: { hostvars: Record<string, Record<string, unknown>> };
};

/** One host's vars as `ansible-inventory --host` prints them (no magic variables). */
export function listHostVars(
  inventory: Inventory,
  host: string,
  options: HostVarsOptions = {},
): Record<string, unknown> {
  const vars = hostVars(inventory, host, options);
  for (const name of INTERNAL_VARS) delete vars[name];
  return vars;
}

/** Exactly what `ansible-inventory --list` prints for this inventory (keys in any order). */
export function toAnsibleListJson(inventory: Inventory, options: HostVarsOptions = {}): AnsibleList {
  const groups: Record<string, ListGroup> = {};
  const seen = new Set<string>();
  const visit = (name: string): void => {
    const group = inventory.groups.get(name);
    if (!group) return;
    const entry: ListGroup = {};
    if (name !== 'all' && group.hosts.length > 0) entry.hosts = [...group.hosts];
    if (group.children.length > 0) entry.children = [...group.children];
    if (entry.hosts || entry.children) groups[name] = entry;
    for (const child of group.children) {
      if (seen.has(child)) continue;
      seen.add(child);
      visit(child);
    }
  };
  visit('all');
  const hostvars: Record<string, Record<string, unknown>> = {};
  for (const host of groupHostNames(inventory, 'all')) {
    const vars = listHostVars(inventory, host, options);
    if (Object.keys(vars).length > 0) hostvars[host] = vars;
  }
  return { ...groups, _meta: { hostvars } } as AnsibleList;
}

/** `ansible-inventory --graph [GROUP]`: child groups first, then the group's own hosts. */
export function toAnsibleGraph(inventory: Inventory, start = 'all'): string {
  const lines: string[] = [];
  const draw = (name: string, depth: number): void => {
    const indent = (d: number, text: string): string => (d === 0 ? text : `${'  |'.repeat(d)}--${text}`);
    lines.push(indent(depth, `@${name}:`));
    const group = inventory.groups.get(name);
    for (const child of group?.children ?? []) draw(child, depth + 1);
    if (name !== 'all') for (const host of group?.hosts ?? []) lines.push(indent(depth + 1, host));
  };
  draw(start, 0);
  return lines.join('\n');
}
