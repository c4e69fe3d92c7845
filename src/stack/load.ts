import { loadInventory } from '../inventory/load.js';
import { stackChecks } from './validate.js';

/**
 * Checks every stack variable and host name in every source the inventory
 * loader reads (YAML and INI inventories, folders, group_vars/ and host_vars/
 * in any format); throws E_CONFIG naming file, line and key.
 */
export async function validateStackConfig(inventories: string[]): Promise<void> {
  await loadInventory(inventories, stackChecks());
}
