import { loadInventory } from '../../inventory/load.js';
import { selectHosts } from '../../inventory/patterns.js';
import { hostVars } from '../../inventory/vars.js';
import { getModule } from '../../modules/registry.js';
import { csrCommand } from '../../pki/issue.js';
import { resolveStateDir } from '../../pki/store.js';
import { renderConnectionVars } from '../../runner/connect.js';
import { useColour } from '../../runner/output-format.js';
import { createTextSink } from '../../runner/output-text.js';
import type { PlaybookRunOptions } from '../../runner/run-playbook.js';
import { loadPlaybook } from '../../runner/playbook-load.js';
import { runPlaybook } from '../../runner/run-playbook.js';
import { agentUnits, readTsigKey } from '../../stack/agents.js';
import { identityCapture } from '../../stack/identity.js';
import { validateStackConfig } from '../../stack/load.js';
import { stackNodes } from '../../stack/model.js';
import type { StackNode } from '../../stack/model.js';
import { nodeBundleFile } from '../../stack/node-bundle.js';
import { pkiSettings } from '../../stack/settings.js';
import { upCertificates } from '../../stack/up-pki.js';
import { createTemplar } from '../../template/templar.js';
import { connectionSpecFromVars } from '../../transport/connection-spec.js';
import { TransportPool } from '../../transport/pool.js';
import type { Transport } from '../../transport/types.js';
import { PLAYBOOK_DIR } from './playbook-dir.js';

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

interface StackInventory {
  nodes: StackNode[];
  proxy: string;
  varsOf: (host: string) => Record<string, unknown>;
}

async function stackInventory(inventories: string[]): Promise<StackInventory> {
  const inventory = await loadInventory(inventories);
  const varsOf = (host: string): Record<string, unknown> => hostVars(inventory, host);
  const nodes = stackNodes(
    { ingress: selectHosts(inventory, 'ingress'), localProxy: selectHosts(inventory, 'local_proxy') },
    varsOf,
  );
  const proxy = nodes.find((node) => node.role === 'local_proxy')?.name as string;
  return { nodes, proxy, varsOf };
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

/** One SSH connection to the local proxy, for the signing step when the CA lives there. */
function proxyConnector(
  pool: TransportPool,
  stack: StackInventory,
  options: UpOptions,
): () => Promise<Transport> {
  return async () => {
    const vars = renderConnectionVars(createTemplar({ searchPaths: [] }), stack.varsOf(stack.proxy));
    return pool.get(
      connectionSpecFromVars(stack.proxy, vars, {
        acceptNewHostKeys: Boolean(options.acceptNewHostKeys),
        ...(options.knownHostsFile ? { knownHostsFile: options.knownHostsFile } : {}),
      }),
    );
  };
}

/**
 * `ingress up`: validate the configuration (nothing is touched if it is wrong), find
 * the prebuilt node program, let the nodes make their keys and CSRs (prepare.yml), sign them
 * where the CA lives (here, or on the local proxy), then converge everything with
 * site.yml, the certificates and agent material passed as extra vars.
 */
export async function runUp(options: UpOptions): Promise<UpResult> {
  await validateStackConfig(options.inventories);
  // Both playbooks are parsed before any host is touched.
  for (const name of ['prepare.yml', 'site.yml'])
    await loadPlaybook(`${PLAYBOOK_DIR}${name}`, { lookupModule: getModule });
  const stack = await stackInventory(options.inventories);
  const proxyVars = stack.varsOf(stack.proxy);
  const settings = pkiSettings(proxyVars);
  const tsigKey = await readTsigKey(proxyVars);
  const stateDir = resolveStateDir({ stateDir: options.stateDir, inventoryPath: options.inventories[0] });
  const out = options.out ?? process.stdout;
  const text = createTextSink({
    write: (t) => void out.write(t),
    colour: useColour(out),
    diff: Boolean(options.diff),
  });
  const capture = identityCapture(text);
  const keyCommand = csrCommand({ name: 'node', keyPath: '/etc/ingress/pki/node.key', csrPath: '/dev/null' });
  const bundle = await nodeBundleFile();
  const pool = new TransportPool();
  try {
    const prepared = await runPlaybook({
      ...baseRunOptions(options, 'prepare.yml'),
      sink: capture.sink,
      extraVars: { ingress_csr_key_command: keyCommand, ingress_up_node_bundle: bundle },
    });
    if (prepared.exitCode !== 0) return { exitCode: prepared.exitCode, stoppedAt: 'prepare', issued: [] };
    const pki = await upCertificates({
      stateDir,
      nodes: stack.nodes,
      outputs: capture.outputs,
      settings,
      check: Boolean(options.check),
      proxyTransport: proxyConnector(pool, stack, options),
    });
    const site = await runPlaybook({
      ...baseRunOptions(options, 'site.yml'),
      sink: text,
      extraVars: {
        ingress_up_certs: pki.certs,
        ingress_up_ca_bundle: pki.caBundlePem,
        ingress_up_crl: pki.crlPem,
        ingress_up_node_bundle: bundle,
        ingress_up_tsig_key: tsigKey,
        ingress_up_units: agentUnits(settings),
      },
    });
    return {
      exitCode: site.exitCode,
      ...(site.exitCode === 0 ? {} : { stoppedAt: 'site' as const }),
      issued: pki.issued,
    };
  } finally {
    await pool.closeAll();
  }
}
