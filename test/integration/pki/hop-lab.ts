import { join } from 'node:path';
import {
  DEFAULT_INGRESS_NAMES_FILE,
  renderIngressHop,
  renderIngressNames,
  renderLocalProxyHop,
} from '../../../src/haproxy/mtls-config.js';
import type { Lab, LabHost } from '../../../src/lab/lab.js';
import { initCa } from '../../../src/pki/ca.js';
import { issueNodeCert, readTrustMaterial } from '../../../src/pki/node-cert.js';
import { SshTransport } from '../../../src/transport/ssh.js';
import type { Transport } from '../../../src/transport/types.js';
import { installPackages } from '../support/packages.js';

export const PLAIN_PORT = 8000;
export const MTLS_PORT = 8443;
export const INGRESS = 'ingress-1';
export const LOCAL_PROXY = 'local-proxy';
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
  await must(transport, 'haproxy -c -f /etc/haproxy/haproxy.cfg');
  await must(transport, 'systemctl restart haproxy && systemctl is-active haproxy');
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Two lab hosts on one internal network, the CA in the lab's work folder, each node's
 * key made on the node, and HAProxy on both in the shape the stack will deploy.
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
  await issueNodeCert({
    stateDir,
    transport: hop.localProxy.transport,
    name: LOCAL_PROXY,
    sans: [proxyHost.address],
  });
  await issueNodeCert({
    stateDir,
    transport: hop.ingress.transport,
    name: INGRESS,
    sans: [ingressHost.address],
  });
  await hop.localProxy.transport.put(DEFAULT_INGRESS_NAMES_FILE, renderIngressNames(INGRESS_NAMES), {
    mode: 0o644,
  });
  await startHaproxy(
    hop.localProxy.transport,
    renderLocalProxyHop({
      listen: { address: '0.0.0.0', port: MTLS_PORT },
      forwardTo: { address: '127.0.0.1', port: 8080 },
      demoEcho: true,
    }),
  );
  await startHaproxy(
    hop.ingress.transport,
    renderIngressHop({
      listen: { address: '0.0.0.0', port: PLAIN_PORT },
      upstreams: [{ name: 'wan1', address: proxyHost.address, port: MTLS_PORT, verifyName: LOCAL_PROXY }],
      checkIntervalMs: 1000,
    }),
  );
  // The server is usable once HAProxy's own TLS check (with a PROXY header) passed.
  await waitFor(
    async () => (await serverStatus(hop.ingress.transport)) === 'UP',
    20_000,
    'the ingress node to see the local proxy UP',
  );
  return hop;
}

/** The local_proxy/wan1 status column of `show stat`, read on the node. */
export async function serverStatus(transport: Transport): Promise<string> {
  const script =
    `echo 'show stat' | node -e 'const s=require("net").connect("/run/haproxy/admin.sock");` +
    `process.stdin.on("data",d=>s.write(d));s.pipe(process.stdout)'`;
  const out = (await transport.exec(script)).stdout;
  const row = out.split('\n').find((line) => line.startsWith('local_proxy,wan1,'));
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
