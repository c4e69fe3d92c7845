import { join } from 'node:path';
import type { Lab, LabHost } from '../../../src/lab/lab.js';
import { DEMO_SERVICE } from '../../../src/lab/stack-services.js';
import { initCa } from '../../../src/pki/ca.js';
import { issueNodeCert, readTrustMaterial } from '../../../src/pki/node-cert.js';
import { SshTransport } from '../../../src/transport/ssh.js';
import type { Transport } from '../../../src/transport/types.js';
import { installPackages } from '../support/packages.js';
import { renderStackTemplate, type StackInventory } from '../../support/stack-templates.js';
import { waitFor } from '../../support/wait.js';

/** The stack's default ports (playbooks/tasks/defaults.yml): public HTTPS and the mTLS relay. */
export const RELAY_PORT = 443;
export const MTLS_PORT = 8443;
export const INGRESS = 'ingress-1';
export const LOCAL_PROXY = 'local-proxy';
/** The service behind the local proxy; its public certificate is the stack's placeholder. */
export const SERVICE = 'demo.test';
const DEMO_PORT = 9080;
/** Never reachable here: the mesh server stays the DOWN backup, as with every WAN up. */
const MESH_ADDRESS = '200:1111:2222:3333:4444:5555:6666:7777';
const RELAXED_CHECKS = { inter_ms: 1000, fall: 5, timeout_connect_ms: 3000, timeout_check_ms: 3000 };
/** The inventory's ingress names: ingress-2 and ingress-3 exist only as test clients' names. */
export const INGRESS_NAMES = [INGRESS, 'ingress-2', 'ingress-3'];

export interface HopNode {
  host: LabHost;
  transport: Transport;
}

export interface Hop {
  stateDir: string;
  ingress: HopNode;
  localProxy: HopNode;
}

async function must(transport: Transport, command: string): Promise<string> {
  const result = await transport.exec(command, { timeoutMs: 60_000 });
  if (result.rc !== 0) throw new Error(`${transport.hostName}: ${command}: ${result.stderr}${result.stdout}`);
  return result.stdout;
}

/** Writes haproxy.cfg, checks it with HAProxy itself, and (re)starts the service. */
async function startHaproxy(transport: Transport, config: string): Promise<void> {
  await transport.put('/etc/haproxy/haproxy.cfg', config, { mode: 0o644 });
  await must(transport, 'haproxy -c -q -f /etc/haproxy/haproxy.cfg');
  await must(transport, 'systemctl restart haproxy && systemctl is-active haproxy');
}

/** The two nodes as the stack's inventory names them, for the shipped templates. */
function hopInventory(proxyAddress: string): StackInventory {
  return {
    groups: { ingress: INGRESS_NAMES, local_proxy: [LOCAL_PROXY] },
    hostvars: {
      // Forgiving checks: these tests are about certificates, and one WAN means a failed
      // check on a loaded machine would leave only the unreachable mesh backup.
      ...Object.fromEntries(INGRESS_NAMES.map((name) => [name, { ingress_checks: RELAXED_CHECKS }])),
      [LOCAL_PROXY]: {
        ingress_wans: [{ name: 'wan1', address: proxyAddress }],
        ingress_ygg_address: MESH_ADDRESS,
        ingress_services: [{ domain: SERVICE, backend: `127.0.0.1:${DEMO_PORT}` }],
      },
    },
  };
}

/** The demo service and the public certificate placeholder `tasks/local-proxy.yml` makes. */
async function startService(transport: Transport): Promise<void> {
  await must(transport, 'install -d -m 0755 /srv/demo');
  await transport.put('/srv/demo/server.py', DEMO_SERVICE, { mode: 0o644 });
  await must(transport, `systemd-run --unit=demo /usr/bin/python3 /srv/demo/server.py ${DEMO_PORT}`);
  await must(
    transport,
    `install -d -m 0700 /etc/haproxy/certs && cd "$(mktemp -d)" && ` +
      `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj /CN=${SERVICE} ` +
      `-addext subjectAltName=DNS:${SERVICE} -keyout key.pem -out cert.pem 2>/dev/null && ` +
      `(umask 077; cat cert.pem key.pem > /etc/haproxy/certs/${SERVICE}.pem)`,
  );
}

/**
 * Two lab hosts on one internal network, the CA in the lab's work folder, each node's
 * key made on the node, and HAProxy on both from the templates `ingress up` installs.
 */
export async function buildHop(lab: Lab): Promise<Hop> {
  await lab.createNetwork('hop');
  const [ingressHost, proxyHost] = await Promise.all([
    lab.startHost({ name: INGRESS, networks: [{ name: 'hop' }] }),
    lab.startHost({ name: LOCAL_PROXY, networks: [{ name: 'hop' }] }),
  ]);
  // Bare nodes: HAProxy (and Node.js, which reads its runtime socket here) from Debian first.
  await Promise.all([ingressHost, proxyHost].map((host) => installPackages(host, ['haproxy', 'nodejs'])));
  const stateDir = join(lab.workDir, 'pki');
  await initCa({ stateDir, keyType: 'ecdsa-p256' });
  const connect = async (host: LabHost): Promise<HopNode> => ({
    host,
    transport: await SshTransport.connect(host.connectionSpec()),
  });
  const hop: Hop = { stateDir, ingress: await connect(ingressHost), localProxy: await connect(proxyHost) };
  for (const [node, name] of [
    [hop.localProxy, LOCAL_PROXY],
    [hop.ingress, INGRESS],
  ] as const) {
    await issueNodeCert({ stateDir, transport: node.transport, name, sans: [node.host.address] });
  }
  const inventory = hopInventory(proxyHost.address);
  const lp = hop.localProxy.transport;
  await startService(lp);
  await lp.put('/etc/haproxy/ingress-nodes.lst', `${INGRESS_NAMES.join('\n')}\n`, { mode: 0o644 });
  await startHaproxy(lp, await renderStackTemplate('haproxy-local.cfg.j2', LOCAL_PROXY, inventory));
  await startHaproxy(
    hop.ingress.transport,
    await renderStackTemplate('haproxy-ingress.cfg.j2', INGRESS, inventory),
  );
  // The server is usable once HAProxy's own mTLS health check (with a PROXY header) passed.
  await waitFor(
    'the ingress node to see the local proxy UP',
    async () => (await serverStatus(hop.ingress.transport)) === 'UP',
    20_000,
  );
  return hop;
}

/** The to_proxy_https/wan1 status column of `show stat`, read on the node. */
export async function serverStatus(transport: Transport): Promise<string> {
  const script =
    `echo 'show stat' | node -e 'const s=require("net").connect("/run/haproxy/admin.sock");` +
    `process.stdin.on("data",d=>s.write(d));s.pipe(process.stdout)'`;
  const out = (await transport.exec(script)).stdout;
  const row = out.split('\n').find((line) => line.startsWith('to_proxy_https,wan1,'));
  return row?.split(',')[17] ?? '';
}

/** The CA bundle the test process trusts when it plays an ingress node. */
export async function trustedBundle(hop: Hop): Promise<string> {
  return (await readTrustMaterial(hop.stateDir)).caBundlePem;
}

export async function closeHop(hop: Hop | undefined): Promise<void> {
  await hop?.ingress.transport.close();
  await hop?.localProxy.transport.close();
}
