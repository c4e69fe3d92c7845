import type { Command } from 'commander';
import type { UpOptions, UpResult } from '../../stack/up.js';

/** `ingress up`, loaded only when run: the runner, PKI and stack code stay out of other commands' start-up. */
async function up(options: UpOptions): Promise<UpResult> {
  const { up: run } = await import('../../stack/up.js');
  return run(options);
}

interface UpFlags {
  inventory: string[];
  check?: boolean;
  diff?: boolean;
  limit?: string;
  acceptNewHostKeys?: boolean;
  knownHosts?: string;
  stateDir?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function registerUpCommand(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('up')
    .description("Bring the ingress nodes and the local proxy to the inventory's state (playbooks/site.yml)")
    .requiredOption('-i, --inventory <path>', 'inventory file or folder (repeatable)', collect, [])
    .option('-C, --check', 'check mode: report what would change, change nothing')
    .option('-D, --diff', 'show the differences in changed files')
    .option('-l, --limit <pattern>', 'only hosts matching this pattern')
    .option('--accept-new-host-keys', 'trust and record host keys not yet in known_hosts')
    .option('--known-hosts <file>', 'known_hosts file to check host keys against')
    .option(
      '--state-dir <dir>',
      'PKI state folder (default: .ingress-state/pki in a folder inventory, beside a file one)',
    )
    .action(async (flags: UpFlags) => {
      const result = await up({
        inventories: flags.inventory,
        check: Boolean(flags.check),
        diff: Boolean(flags.diff),
        ...(flags.limit ? { limit: flags.limit } : {}),
        acceptNewHostKeys: Boolean(flags.acceptNewHostKeys),
        ...(flags.knownHosts ? { knownHostsFile: flags.knownHosts } : {}),
        ...(flags.stateDir ? { stateDir: flags.stateDir } : {}),
      });
      setExitCode(result.exitCode);
    });
}
