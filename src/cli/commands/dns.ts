import type { Command } from 'commander';
import type { SetExitCode } from './index.js';

interface DnsPolicyFlags {
  inventory: string[];
  stateDir?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Makes the fleet's missing TSIG keys and prints what the DNS server needs (never a secret). */
async function dnsPolicy(flags: DnsPolicyFlags): Promise<number> {
  const [{ stackInventory }, { prepareFleetDns, bindSnippet }, { resolveStateDir }, { validateStackConfig }] =
    await Promise.all([
      import('../../stack/up.js'),
      import('../../stack/dns-policy.js'),
      import('../../pki/store.js'),
      import('../../stack/load.js'),
    ]);
  await validateStackConfig(flags.inventory);
  const stack = await stackInventory(flags.inventory);
  const stateDir = resolveStateDir({ stateDir: flags.stateDir, inventoryPath: flags.inventory[0] });
  const dns = await prepareFleetDns(stack.nodes, stack.varsOf, stateDir);
  if (!dns) {
    process.stderr.write(
      'ingress: the inventory has no ingress_dns (zone and tsig_key_name): no keys to make\n',
    );
    return 2;
  }
  const { created, removed } = dns.keys;
  if (created.length > 0) process.stderr.write(`new keys: ${created.join(', ')}\n`);
  if (removed.length > 0) process.stderr.write(`removed keys: ${removed.join(', ')}\n`);
  process.stdout.write(bindSnippet(dns));
  return 0;
}

export function registerDnsCommand(program: Command, setExitCode: SetExitCode): void {
  const dns = program
    .command('dns')
    .description("The DNS server's part: per-node TSIG keys and their policy");
  dns
    .command('policy')
    .description(
      'Make missing per-node TSIG keys and print the named.conf lines (keys file and update-policy)',
    )
    .requiredOption('-i, --inventory <path>', 'inventory file or folder (repeatable)', collect, [])
    .option('--state-dir <dir>', 'PKI state folder, as for `ingress up` (the keys live beside it, in dns/)')
    .action(async (flags: DnsPolicyFlags) => setExitCode(await dnsPolicy(flags)));
}
