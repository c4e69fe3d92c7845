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
}

export interface Inventory {
  /** The inventory files or folders it was loaded from, in order. */
  sources: string[];
  hosts: Map<string, InventoryHost>;
  /** Always holds `all` and `ungrouped`, as Ansible does. */
  groups: Map<string, InventoryGroup>;
}
