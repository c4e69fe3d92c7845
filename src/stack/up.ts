import { fileURLToPath } from 'node:url';
import { loadInventory } from '../inventory/load.js';
import { selectHosts } from '../inventory/patterns.js';
import { hostVars } from '../inventory/vars.js';
import { getModule } from '../modules/registry.js';
import { csrCommand } from '../pki/issue.js';
import { resolveStateDir } from '../pki/store.js';
import { renderConnectionVars } from '../runner/connect.js';
import { useColour } from '../runner/output-format.js';
import { createTextSink } from '../runner/output-text.js';
import { loadPlaybook } from '../runner/playbook-load.js';
import type { PlaybookRunOptions } from '../runner/run-playbook.js';
import { runPlaybook } from '../runner/run-playbook.js';
import { createTemplar } from '../template/templar.js';
import { connectionSpecFromVars } from '../transport/connection-spec.js';
import { TransportPool } from '../transport/pool.js';
import type { Transport } from '../transport/types.js';
import { agentUnits } from './agents.js';
import { keyTexts, prepareFleetDns } from './dns-policy.js';
import type { FleetDns } from './dns-policy.js';
import { identityCapture, PENDING } from './identity.js';
import { validateStackConfig } from './load.js';
import { stackNodes } from './model.js';
import type { StackNode } from './model.js';
import { nodePrograms, type NodePrograms } from './node-bundle.js';
import { createProgress, type Progress, type ProgressOut } from './progress.js';
import { pkiSettings, rollingBatch } from './settings.js';
import { reportedIdentities, upCertificates } from './up-pki.js';
import { checkYggFleet, parseYggVersion, YGG_VERSION_COMMAND } from './ygg-versions.js';

/** playbooks/ sits at the repository root, two levels above src/stack (and dist/stack). */
export const PLAYBOOK_DIR = fileURLToPath(new URL('../../playbooks/', import.meta.url));

export interface UpOptions {
  inventories: string[];
  check?: boolean;
  diff?: boolean;
  limit?: string;
  acceptNewHostKeys?: boolean;
  knownHostsFile?: string;
  stateDir?: string;
  out?: ProgressOut;
}

export interface UpResult {
  exitCode: number;
  /** The phase that stopped the run, when one did. */
  stoppedAt?: 'preflight' | 'prepare' | 'site';
  issued: string[];
}

export interface StackInventory {
  nodes: StackNode[];
  proxy: string;
  varsOf: (host: string) => Record<string, unknown>;
}

export async function stackInventory(inventories: string[]): Promise<StackInventory> {
  const inventory = await loadInventory(inventories);
  const varsOf = (host: string): Record<string, unknown> => hostVars(inventory, host);
  const nodes = stackNodes(
    { ingress: selectHosts(inventory, 'ingress'), localProxy: selectHosts(inventory, 'local_proxy') },
    varsOf,
  );
  const proxy = nodes.find((node) => node.role === 'local_proxy')?.name as string;
  return { nodes, proxy, varsOf };
}

function baseRunOptions(options: UpOptions, playbook: string, limit = options.limit): PlaybookRunOptions {
  return {
    playbook: `${PLAYBOOK_DIR}${playbook}`,
    inventories: options.inventories,
    check: Boolean(options.check),
    diff: Boolean(options.diff),
    ...(limit ? { limit } : {}),
    acceptNewHostKeys: Boolean(options.acceptNewHostKeys),
    ...(options.knownHostsFile ? { knownHostsFile: options.knownHostsFile } : {}),
  };
}

/** One SSH connection per node, shared by the read-only preflight and the signing step. */
function connector(pool: TransportPool, stack: StackInventory, options: UpOptions) {
  return async (host: string): Promise<Transport> => {
    const vars = renderConnectionVars(createTemplar({ searchPaths: [] }), stack.varsOf(host));
    return pool.get(
      connectionSpecFromVars(host, vars, {
        acceptNewHostKeys: Boolean(options.acceptNewHostKeys),
        ...(options.knownHostsFile ? { knownHostsFile: options.knownHostsFile } : {}),
      }),
    );
  };
}

/**
 * Reads every node's Yggdrasil package before anything changes and refuses a fleet
 * that would mix protocol families. A node that cannot be reached is left to the
 * playbook, which reports it unreachable and changes nothing on it.
 */
async function preflight(
  stack: StackInventory,
  connect: (host: string) => Promise<Transport>,
): Promise<void> {
  const reports = await Promise.all(
    stack.nodes.map(async (node) => {
      const transport = await connect(node.name).catch(() => undefined);
      if (!transport) return undefined;
      const result = await transport.exec(YGG_VERSION_COMMAND, { timeoutMs: 30_000 });
      return parseYggVersion(node.name, result.stdout);
    }),
  );
  checkYggFleet(reports.filter((r) => r !== undefined));
}

/** Site's host pattern: the user's limit without the new nodes a check-mode run cannot configure yet. */
export function siteLimit(limit: string | undefined, pending: readonly string[]): string | undefined {
  if (pending.length === 0) return limit;
  return [limit ?? 'all', ...pending.map((host) => `!${host}`)].join(':');
}

interface Phases {
  options: UpOptions;
  stack: StackInventory;
  progress: Progress;
  text: ReturnType<typeof createTextSink>;
  pool: TransportPool;
  programs: NodePrograms;
}

/**
 * One TSIG key per node, made here on first use; the DNS server must know it before
 * that node's daemon can publish, so a new or removed key is said out loud.
 */
async function fleetDns(
  stack: StackInventory,
  stateDir: string,
  progress: Progress,
): Promise<FleetDns | undefined> {
  const dns = await prepareFleetDns(stack.nodes, stack.varsOf, stateDir);
  if (!dns) return undefined;
  const { created, removed } = dns.keys;
  if (created.length > 0 || removed.length > 0) {
    const what = [
      ...(created.length > 0 ? [`new DNS keys for ${created.join(', ')}`] : []),
      ...(removed.length > 0 ? [`DNS keys of ${removed.join(', ')} removed`] : []),
    ].join('; ');
    progress.step(
      `${what}: load ${dns.keysConfFile} and the policy in ${dns.snippetFile} into your DNS server`,
    );
  }
  return dns;
}

type Identities = ReturnType<typeof reportedIdentities>;

/** prepare.yml: packages, keys and CSRs; each node reports its identity, or that it has none yet. */
async function prepareNodes(p: Phases, bundle: string) {
  const capture = identityCapture(p.progress.wrap(p.text));
  const keyCommand = csrCommand({ name: 'node', keyPath: '/etc/ingress/pki/node.key', csrPath: '/dev/null' });
  const prepared = await runPlaybook({
    ...baseRunOptions(p.options, 'prepare.yml'),
    sink: capture.sink,
    extraVars: { ingress_csr_key_command: keyCommand, ingress_up_node_bundle: bundle },
  });
  const identities = reportedIdentities(capture.outputs);
  const pending = p.stack.nodes.map((n) => n.name).filter((host) => identities.get(host) === PENDING);
  if (prepared.exitCode === 0 && pending.length > 0 && !p.options.check)
    throw new Error(`${pending.join(', ')} reported no keys after prepare.yml made them`);
  return { exitCode: prepared.exitCode, identities, pending };
}

/** Each node's Yggdrasil address and key, for the peers' and the firewall's configs. */
function yggOf(identities: Identities): Record<string, { address: string; public_key: string }> {
  return Object.fromEntries(
    [...identities].flatMap(([host, id]) =>
      id === PENDING ? [] : [[host, { address: id.yggAddress, public_key: id.yggPublicKey }]],
    ),
  );
}

async function converge(p: Phases): Promise<UpResult> {
  const { options, stack, progress } = p;
  const settings = pkiSettings(stack.varsOf(stack.proxy));
  const batch = rollingBatch(
    stack.nodes.filter((n) => n.role === 'ingress').map((n) => stack.varsOf(n.name)),
  );
  const connect = connector(p.pool, stack, options);
  progress.step('checking the Yggdrasil version of every node');
  await preflight(stack, connect);
  const stateDir = resolveStateDir({ stateDir: options.stateDir, inventoryPath: options.inventories[0] });
  const dns = await fleetDns(stack, stateDir, progress);
  const { exitCode, identities, pending } = await prepareNodes(p, p.programs.node);
  if (exitCode !== 0) return { exitCode, stoppedAt: 'prepare', issued: [] };
  progress.step(options.check ? 'checking certificates' : 'signing node certificates');
  const pki = await upCertificates({
    stateDir,
    nodes: stack.nodes,
    identities,
    settings,
    check: Boolean(options.check),
    proxyTransport: () => connect(stack.proxy),
  });
  if (pending.length === stack.nodes.length) {
    progress.step(
      `new nodes (${pending.join(', ')}): the rest is configured once their packages and keys exist`,
    );
    return { exitCode: 0, issued: [] };
  }
  if (pending.length > 0) progress.step(`new nodes left out of this check: ${pending.join(', ')}`);
  const site = await runPlaybook({
    ...baseRunOptions(options, 'site.yml', siteLimit(options.limit, pending)),
    sink: progress.wrap(p.text),
    extraVars: {
      ingress_up_certs: pki.certs,
      ingress_up_ca_bundle: pki.caBundlePem,
      ingress_up_crl: pki.crlPem,
      ingress_up_node_bundle: p.programs.node,
      ingress_up_daemon_program: p.programs.daemon,
      ingress_up_tsig_keys: keyTexts(dns),
      ingress_up_units: agentUnits(settings),
      ingress_up_ygg: yggOf(identities),
      ingress_up_rolling_batch: batch,
    },
  });
  return {
    exitCode: site.exitCode,
    ...(site.exitCode === 0 ? {} : { stoppedAt: 'site' }),
    issued: pki.issued,
  };
}

/**
 * `ingress up`: validate the configuration (nothing is touched if it is wrong), check
 * that the fleet's Yggdrasil versions can peer, install the stack's packages and let
 * the nodes make their keys and CSRs (prepare.yml), sign them where the CA lives (here,
 * or on the local proxy), then converge everything with site.yml.
 */
export async function up(options: UpOptions): Promise<UpResult> {
  await validateStackConfig(options.inventories);
  // Both playbooks are parsed before any host is touched.
  for (const name of ['prepare.yml', 'site.yml'])
    await loadPlaybook(`${PLAYBOOK_DIR}${name}`, { lookupModule: getModule });
  const stack = await stackInventory(options.inventories);
  const out = options.out ?? process.stdout;
  const text = createTextSink({
    write: (t) => void out.write(t),
    colour: useColour(out),
    diff: Boolean(options.diff),
  });
  const progress = createProgress(out);
  const programs = await nodePrograms();
  const pool = new TransportPool();
  try {
    return await converge({ options, stack, progress, text, pool, programs });
  } finally {
    progress.stop();
    await pool.closeAll();
  }
}
