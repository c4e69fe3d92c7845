import type { Command } from 'commander';
import { IngressError } from '../../errors.js';

interface InventoryOptions {
  inventory: string[];
  list?: boolean;
  host?: string;
  graph?: boolean | string;
  playbookDir?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** `ingress inventory`: the analogue of ansible-inventory, printing the same JSON. */
export function registerInventoryCommand(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('inventory')
    .description('Show the inventory as Ansible sees it (like ansible-inventory)')
    .option('-i, --inventory <path>', 'inventory file or folder (repeatable)', collect, [])
    .option('--list', 'print every group and host with its vars as JSON')
    .option('--host <name>', "print one host's vars as JSON")
    .option('--graph [group]', 'print the group tree, from `all` or the given group')
    .option('--playbook-dir <dir>', 'also read group_vars/ and host_vars/ from this folder')
    .action(async (options: InventoryOptions) => {
      const modes = [options.list, options.host !== undefined, options.graph !== undefined].filter(
        Boolean,
      ).length;
      if (modes !== 1) throw new IngressError('E_USAGE', 'use exactly one of --list, --host NAME, --graph');
      if (options.inventory.length === 0)
        throw new IngressError('E_USAGE', 'give at least one inventory with -i PATH');
      const [{ loadInventory }, { listHostVars, toAnsibleGraph, toAnsibleListJson }] = await Promise.all([
        import('../../inventory/load.js'),
        import('../../inventory/list.js'),
      ]);
      const inventory = await loadInventory(options.inventory);
      const varsOptions = options.playbookDir === undefined ? {} : { playbookDir: options.playbookDir };
      if (options.list) {
        process.stdout.write(`${JSON.stringify(toAnsibleListJson(inventory, varsOptions), null, 2)}\n`);
      } else if (options.host !== undefined) {
        process.stdout.write(
          `${JSON.stringify(listHostVars(inventory, options.host, varsOptions), null, 2)}\n`,
        );
      } else {
        const start = typeof options.graph === 'string' ? options.graph : 'all';
        if (!inventory.groups.has(start)) {
          throw new IngressError('E_USAGE', `--graph needs a group name, '${start}' is not one`);
        }
        process.stdout.write(`${toAnsibleGraph(inventory, start)}\n`);
      }
      setExitCode(0);
    });
}
