import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { loadInventory } from '../../inventory/load.js';
import { selectHosts } from '../../inventory/patterns.js';
import { hostVars } from '../../inventory/vars.js';
import { getModule } from '../../modules/registry.js';
import { csrCommand } from '../../pki/issue.js';
import { readState, resolveStateDir } from '../../pki/store.js';
import { useColour } from '../../runner/output-format.js';
import { createTextSink } from '../../runner/output-text.js';
import type { PlaybookRunOptions } from '../../runner/run-playbook.js';
import { loadPlaybook } from '../../runner/playbook-load.js';
import { runPlaybook } from '../../runner/run-playbook.js';
import { certificatesFor } from '../../stack/certs.js';
import type { PkiBundle } from '../../stack/certs.js';
import { identityCapture, parseIdentity } from '../../stack/identity.js';
import { validateStackConfig } from '../../stack/load.js';
import { stackNodes } from '../../stack/model.js';
import type { StackNode } from '../../stack/model.js';

/** playbooks/ sits at the repository root, three levels above src/cli/commands (and dist/cli/commands). */
export const PLAYBOOK_DIR = fileURLToPath(new URL('../../../playbooks/', import.meta.url));

export interface UpOptions {
  inventories: string[];
  check?: boolean;
  diff?: boolean;
  limit?: string;
  acceptNewHostKeys?: boolean;
  knownHostsFile?: string;
  stateDir?: string;
  out?: { write(text: string): unknown; isTTY?: boolean };
}

export interface UpResult {
  exitCode: number;
  /** The phase that stopped the run, when one did. */
  stoppedAt?: 'prepare' | 'site';
  issued: string[];
}

async function inventoryNodes(inventories: string[]): Promise<StackNode[]> {
  const inventory = await loadInventory(inventories);
  return stackNodes(
    { ingress: selectHosts(inventory, 'ingress'), localProxy: selectHosts(inventory, 'local_proxy') },
    (host) => hostVars(inventory, host),
  );
}

function baseRunOptions(options: UpOptions, playbook: string): PlaybookRunOptions {
  return {
    playbook: `${PLAYBOOK_DIR}${playbook}`,
    inventories: options.inventories,
    check: Boolean(options.check),
    diff: Boolean(options.diff),
    ...(options.limit ? { limit: options.limit } : {}),
    acceptNewHostKeys: Boolean(options.acceptNewHostKeys),
    ...(options.knownHostsFile ? { knownHostsFile: options.knownHostsFile } : {}),
  };
}

/** Signs each reported CSR with the inventory's names plus the node's Yggdrasil address. */
async function signIdentities(
  stateDir: string,
  nodes: StackNode[],
  outputs: Map<string, string>,
): Promise<PkiBundle> {
  const requests = nodes
    .filter((node) => outputs.has(node.name))
    .map((node) => {
      const identity = parseIdentity(node.name, outputs.get(node.name) as string);
      return { name: node.name, csrPem: identity.csrPem, sans: [...node.sans, identity.yggAddress] };
    });
  return certificatesFor({ stateDir, requests });
}

/**
 * `ingress up`: validate the configuration (nothing is touched if it is wrong), let
 * the nodes make their keys and CSRs (prepare.yml), sign them here, then converge
 * everything with site.yml, the certificates passed as extra vars.
 */
export async function up(options: UpOptions): Promise<UpResult> {
  await validateStackConfig(options.inventories);
  // Both playbooks are parsed before any host is touched.
  for (const name of ['prepare.yml', 'site.yml'])
    await loadPlaybook(`${PLAYBOOK_DIR}${name}`, { lookupModule: getModule });
  const nodes = await inventoryNodes(options.inventories);
  const stateDir = resolveStateDir({ stateDir: options.stateDir, inventoryPath: options.inventories[0] });
  const out = options.out ?? process.stdout;
  const text = createTextSink({
    write: (t) => void out.write(t),
    colour: useColour(out),
    diff: Boolean(options.diff),
  });
  const capture = identityCapture(text);
  const keyCommand = csrCommand({ name: 'node', keyPath: '/etc/ingress/pki/node.key', csrPath: '/dev/null' });
  const prepared = await runPlaybook({
    ...baseRunOptions(options, 'prepare.yml'),
    sink: capture.sink,
    extraVars: { ingress_csr_key_command: keyCommand },
  });
  if (prepared.exitCode !== 0) return { exitCode: prepared.exitCode, stoppedAt: 'prepare', issued: [] };
  // Check mode must not create a CA or issue anything: it shows the rest with what exists.
  const pki =
    options.check && !(await readState(stateDir))
      ? { certs: {}, caBundlePem: '', crlPem: '', issued: [] }
      : await signIdentities(stateDir, nodes, capture.outputs);
  const site = await runPlaybook({
    ...baseRunOptions(options, 'site.yml'),
    sink: text,
    extraVars: {
      ingress_up_certs: pki.certs,
      ingress_up_ca_bundle: pki.caBundlePem,
      ingress_up_crl: pki.crlPem,
    },
  });
  return {
    exitCode: site.exitCode,
    ...(site.exitCode === 0 ? {} : { stoppedAt: 'site' as const }),
    issued: pki.issued,
  };
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
    .option('--state-dir <dir>', 'PKI state folder (default: <inventory dir>/.ingress-state/pki)')
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
