import type { SourceLocation } from '../errors.js';

export interface InventoryHost {
  name: string;
  /** Variables set on the host in the inventory file itself. */
  vars: Record<string, unknown>;
  source: SourceLocation;
}

export interface InventoryGroup {
  name: string;
  /** Hosts listed directly in this group (not through children). */
  hosts: string[];
  children: string[];
  vars: Record<string, unknown>;
  source?: SourceLocation;
  /** ansible_group_priority from the inventory file (Ansible's default is 1); it orders groups of equal depth. */
  priority?: number;
}

/** group_vars/ and host_vars/ found beside one inventory source, read as Ansible's host_group_vars plugin does. */
export interface AdjacentVars {
  /** The folder holding group_vars/ and host_vars/. */
  dir: string;
  groups: Map<string, Record<string, unknown>>;
  hosts: Map<string, Record<string, unknown>>;
}

export interface Inventory {
  /** The inventory files or folders it was loaded from, in order. */
  sources: string[];
  hosts: Map<string, InventoryHost>;
  /** Always holds `all` and `ungrouped`, as Ansible does. */
  groups: Map<string, InventoryGroup>;
  /** Vars files beside each source, in source order (later sources win). */
  adjacentVars?: AdjacentVars[];
}
