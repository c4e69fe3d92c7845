import type { Command } from 'commander';
import type { SetExitCode } from './index.js';
import type { StatusFlags } from './status-run.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** `ingress status -i INVENTORY [--json]`: one table of the fleet's daemons. */
export function registerStatusCommand(program: Command, setExitCode: SetExitCode): void {
  program
    .command('status')
    .description("show every node's health daemon: paths, DNS records, allow-sets, certificates")
    .requiredOption('-i, --inventory <path>', 'inventory file or folder (repeatable)', collect, [])
    .option('-l, --limit <pattern>', 'only hosts matching this pattern')
    .option('--json', 'print the status documents as JSON')
    .option('--accept-new-host-keys', 'trust and record host keys not yet in known_hosts')
    .option('--known-hosts <file>', 'known_hosts file to check host keys against')
    .action(async (flags: StatusFlags) => {
      const { runStatus } = await import('./status-run.js');
      setExitCode(await runStatus(flags));
    });
}
