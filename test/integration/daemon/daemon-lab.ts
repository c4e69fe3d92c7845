// A small topology of the daemon's own (not the stack playbook): an ingress host with HAProxy and
// the daemon under systemd, a proxy host answering mTLS health checks on three networks (wan1,
// wan2, and a network standing in for the mesh) with the daemon in local mode, and BIND.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Lab, LabHost } from '../../../src/lab/lab.js';
import { initCa } from '../../../src/pki/ca.js';
import { issueWithLocalKey } from '../../../src/pki/issue.js';
import { SshTransport } from '../../../src/transport/ssh.js';
import type { Transport } from '../../../src/transport/types.js';
import { testNodeBundle } from '../../support/node-bundle.js';
import { installPackages } from '../support/packages.js';
import { waitFor } from '../../support/wait.js';

const fixture = (name: string): URL => new URL(`../../fixtures/daemon/lab/${name}`, import.meta.url);
const text = (name: string): Promise<string> => readFile(fixture(name), 'utf8');

export const NETS = { mgmt: '10.250.0', wan1: '10.250.1', wan2: '10.250.2', mesh: '10.250.3' } as const;
export const DNS_IP = `${NETS.mgmt}.53`;
export const DAEMON_UNIT = 'ingress-daemon';

export interface Node {
  host: LabHost;
  ssh: Transport;
}

export interface DaemonLab {
  ingress: Node;
  proxy: Node;
  dns: LabHost;
}

export async function must(
  host: { exec(c: string): Promise<{ rc: number; stdout: string; stderr: string }> },
  command: string,
): Promise<string> {
  const result = await host.exec(command);
  if (result.rc !== 0) throw new Error(`${command}: rc ${result.rc}: ${result.stderr}${result.stdout}`);
  return result.stdout;
}

/** BIND with the DNS suite's key and named.conf, one dynamic zone lab.test, as a transient unit. */
async function startBind(dns: LabHost): Promise<void> {
  const bindDir = new URL('../../fixtures/dns/bind/', import.meta.url);
  const base = await readFile(new URL('named.conf', bindDir), 'utf8');
  const key = await readFile(new URL('update.key', bindDir), 'utf8');
  const zone = `zone "lab.test" {\n\ttype primary;\n\tfile "/var/lib/bind/lab.test.zone";\n\tupdate-policy { grant ingress-test-key zonesub ANY; };\n};\n`;
  const files: Record<string, string> = {
    '/etc/bind/ingress/named.conf': `${base}\n${zone}`,
    '/etc/bind/ingress/update.key': key,
    '/var/lib/bind/lab.test.zone': await text('lab.zone'),
  };
  for (const [path, content] of Object.entries(files)) {
    await must(
      dns,
      `mkdir -p $(dirname ${path}) && printf '%s' '${content.replace(/'/g, `'\\''`)}' > ${path}`,
    );
  }
  await must(dns, 'systemctl stop named 2>/dev/null; chmod 600 /etc/bind/ingress/update.key');
  await must(dns, 'systemd-run --unit=lab-named named -f -c /etc/bind/ingress/named.conf');
  await waitFor('BIND to answer', async () =>
    (await dns.exec('dig +short @127.0.0.1 ns1.lab.test A')).stdout.includes(DNS_IP) ? true : undefined,
  );
}

async function installDaemon(node: Node, config: string, bundle: Buffer, key: string): Promise<void> {
  await node.ssh.put('/opt/ingress/daemon.cjs', bundle, { mode: 0o755 });
  await node.ssh.put('/etc/ingress/daemon.yml', await text(config), { mode: 0o644 });
  await node.ssh.put('/etc/ingress/tsig.key', key, { mode: 0o600 });
  await node.ssh.put(`/etc/systemd/system/${DAEMON_UNIT}.service`, await text('ingress-daemon.service'), {
    mode: 0o644,
  });
  await must(node.ssh, `systemctl daemon-reload && systemctl enable --now ${DAEMON_UNIT}`);
}

async function startHaproxy(node: Node, config: string): Promise<void> {
  await node.ssh.put('/etc/haproxy/haproxy.cfg', await text(config), { mode: 0o644 });
  await must(node.ssh, 'haproxy -c -f /etc/haproxy/haproxy.cfg && systemctl restart haproxy');
}

/** Certificates from a CA in the lab's work folder; the proxy's carries the name the probes check. */
async function installCerts(lab: Lab, ingress: Node, proxy: Node): Promise<void> {
  const stateDir = join(lab.workDir, 'pki');
  await initCa({ stateDir, keyType: 'ecdsa-p256' });
  const ingressCert = await issueWithLocalKey({
    stateDir,
    name: 'ingress',
    sans: ['ingress', `${NETS.mgmt}.10`],
  });
  const proxyCert = await issueWithLocalKey({
    stateDir,
    name: 'proxy',
    sans: ['proxy', `${NETS.wan1}.20`, `${NETS.wan2}.20`, `${NETS.mesh}.20`],
  });
  for (const [node, cert] of [
    [ingress, ingressCert],
    [proxy, proxyCert],
  ] as const) {
    await node.ssh.put('/etc/ingress/ca.pem', cert.caBundlePem, { mode: 0o644 });
    await node.ssh.put('/etc/ingress/node.crt', cert.certPem, { mode: 0o644 });
    await node.ssh.put('/etc/ingress/node.key', cert.keyPem, { mode: 0o600 });
  }
  await proxy.ssh.put(
    '/etc/ingress/proxy.pem',
    `${proxyCert.certPem.trimEnd()}\n${proxyCert.keyPem.trimEnd()}\n`,
    { mode: 0o600 },
  );
}

export async function buildDaemonLab(lab: Lab): Promise<DaemonLab> {
  for (const [name, prefix] of Object.entries(NETS))
    await lab.createNetwork(name, { subnet: `${prefix}.0/24` });
  const on = (last: number, names: (keyof typeof NETS)[]) =>
    names.map((name) => ({ name, ipv4: `${NETS[name]}.${last}` }));
  const [ingressHost, proxyHost, dns, bundleFile] = await Promise.all([
    lab.startHost({ name: 'ingress', networks: on(10, ['mgmt', 'wan1', 'wan2', 'mesh']) }),
    lab.startHost({ name: 'proxy', networks: on(20, ['mgmt', 'wan1', 'wan2', 'mesh']) }),
    lab.startHost({ name: 'dns', kind: 'services', networks: on(53, ['mgmt']) }),
    testNodeBundle('ingress-daemon.js'),
  ]);
  // Bare nodes: the servers this suite drives directly come from Debian first.
  await Promise.all([
    installPackages(ingressHost, ['haproxy', 'nodejs']),
    installPackages(proxyHost, ['haproxy', 'nodejs', 'nftables']),
  ]);
  const ingress = { host: ingressHost, ssh: await SshTransport.connect(ingressHost.connectionSpec()) };
  const proxy = { host: proxyHost, ssh: await SshTransport.connect(proxyHost.connectionSpec()) };
  for (const node of [ingress, proxy]) await must(node.ssh, 'mkdir -p /opt/ingress /etc/ingress');
  await startBind(dns);
  await installCerts(lab, ingress, proxy);
  await startHaproxy(proxy, 'proxy-haproxy.cfg');
  await startHaproxy(ingress, 'ingress-haproxy.cfg');
  await proxy.ssh.put('/etc/ingress/nft.conf', await text('proxy-nft.conf'), { mode: 0o644 });
  await must(proxy.ssh, 'nft -f /etc/ingress/nft.conf');
  const bundle = await readFile(bundleFile);
  const key = await readFile(new URL('../../fixtures/dns/bind/update.key', import.meta.url), 'utf8');
  await installDaemon(ingress, 'ingress-daemon.yml', bundle, key);
  await installDaemon(proxy, 'proxy-daemon.yml', bundle, key);
  return { ingress, proxy, dns };
}
