import type { SourceLocation } from '../errors.js';

/** Where one variable was set; for YAML sources also the line of any value inside it. */
export interface VarSite extends SourceLocation {
  /** `host` for a host's own vars (inventory or host_vars/), `group` for group vars. */
  scope: 'host' | 'group';
  /** True for group_vars/ and host_vars/ files, false for the inventory itself. */
  varsFile: boolean;
  /** The line of the value at a path inside the variable ([] is the variable's value). */
  lineAt?: (path: readonly (string | number)[]) => number | undefined;
}

/**
 * Extra checks a caller runs while the inventory loads, so that they see every
 * source the loader reads (YAML, INI, folders, vars files) with its location.
 * Each throws to refuse.
 */
export interface InventoryChecks {
  variable?(name: string, value: unknown, site: VarSite): void;
  host?(name: string, where: SourceLocation): void;
}

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
