import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../../../src/time/sleep.js';
import { nodeKeyDir } from '../../../src/dns/node-keys.js';
import type { LabHost } from '../../../src/lab/lab.js';
import { MESH_ADMIN_ENDPOINT, meshAddressOf, meshUserAddress } from '../../../src/lab/mesh-users.js';
import { putFile } from '../../../src/lab/stack-services.js';
import { startStackLab, type StackLab } from '../../../src/lab/stack-lab.js';
import { address6Of, addressOf, INGRESS_NODES } from '../../../src/lab/topology.js';
import { parseRecap, runCli, type CliResult } from '../support/cli.js';

/**
 * Mesh users: a machine on the Yggdrasil mesh (peering with a public peer, never with the
 * local proxy) resolves the service's mesh name to the local proxy's Yggdrasil address and
 * gets the service there with a public certificate issued by DNS-01, with no ingress node
 * on the way: it still does with both WANs cut and both ingress nodes stopped.
 */
let stack: StackLab;
let meshclient: LabHost;
let meshpeer: LabHost;
let first: CliResult;
let upSeconds = 0;
/** The local proxy's Yggdrasil address, as its own node reports it. */
let proxyMesh = '';

const meshName = (): string => `mesh.${stack.topology.serviceDomain}`;

async function sh(host: LabHost, command: string): Promise<{ rc: number; out: string }> {
  const result = await host.exec(command);
  return { rc: result.rc, out: `${result.stdout}${result.stderr}`.trim() };
}

/** What the mesh user gets: the name resolved by the lab's BIND, pebble's root trusted, no -k. */
const fetchOverMesh = (): Promise<{ rc: number; out: string }> =>
  sh(meshclient, `curl -sS --max-time 15 --cacert /tmp/pebble-root.pem https://${meshName()}/`);

/** Polls a command on a host until its output matches (or the time is over); the last output. */
async function poll(host: LabHost, command: string, want: RegExp, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await sh(host, command);
    if (want.test(got.out) || Date.now() > deadline) return got.out;
    await sleep(1_000);
  }
}

interface YggPeer {
  remote?: string;
  address?: string;
  up?: boolean;
}

async function peersOf(host: LabHost): Promise<YggPeer[]> {
  const got = await sh(host, `yggdrasilctl -json -endpoint ${MESH_ADMIN_ENDPOINT} getPeers`);
  expect(got.rc, got.out).toBe(0);
  return (JSON.parse(got.out) as { peers: YggPeer[] }).peers;
}

beforeAll(async () => {
  stack = await startStackLab({ base: 229, meshUsers: true });
  if (!stack.mesh) throw new Error('the lab started without its mesh users');
  ({ client: meshclient, peer: meshpeer } = stack.mesh);
  const startMs = Date.now();
  first = await runCli(['up', '-i', stack.inventoryDir, '--known-hosts', stack.lab.knownHostsFile], {
    timeoutMs: 900_000,
  });
  upSeconds = (Date.now() - startMs) / 1000;
  // The mesh user trusts pebble's root, as a browser trusts a public CA's.
  const pebble = addressOf(stack.topology, 'pebble', 'public');
  const root = await sh(
    stack.hosts.pebble,
    `curl -fsS --cacert /etc/pebble/ca.pem https://${pebble}:15000/roots/0`,
  );
  await putFile(meshclient, '/tmp/pebble-root.pem', `${root.out}\n`);
  proxyMesh = (await sh(stack.hosts.proxy, 'yggdrasil -useconffile /etc/yggdrasil/yggdrasil.conf -address'))
    .out;
}, 1_200_000);

afterAll(async () => {
  if (upSeconds > 0) console.log(`mesh users lab: ingress up took ${upSeconds.toFixed(1)} s`);
  await stack?.close();
});

describe('mesh users', () => {
  it("ingress up converges the lab with the public mesh peer in the local proxy's peers", () => {
    expect(first.code, first.stdout.slice(-4000)).toBe(0);
    const recap = parseRecap(first.stdout);
    for (const host of [...INGRESS_NODES, 'proxy'])
      expect(recap[host]).toMatchObject({ failed: 0, unreachable: 0 });
    expect(proxyMesh).toMatch(/^2[0-9a-f]{2}:[0-9a-f:]+$/);
  });

  it("peers the user's machine with the public peer only, and the public peer with the local proxy", async () => {
    const peerMesh = await meshAddressOf(meshpeer);
    const clientPeers = await peersOf(meshclient);
    expect(clientPeers.map((p) => [p.remote, p.address, p.up])).toEqual([
      [`tls://${meshUserAddress(stack.topology, 'meshpeer', 'public')}:7443`, peerMesh, true],
    ]);
    // The local proxy dials out to the public peer over the underlay; it peers with no user.
    const out = await poll(
      meshpeer,
      `yggdrasilctl -json -endpoint ${MESH_ADMIN_ENDPOINT} getPeers`,
      new RegExp(`"address": "${proxyMesh}"`),
    );
    const addresses = (JSON.parse(out) as { peers: YggPeer[] }).peers.map((p) => p.address).sort();
    expect(addresses).toEqual([await meshAddressOf(meshclient), proxyMesh].sort());
  }, 90_000);

  it("resolves the service's mesh name through BIND to the local proxy's Yggdrasil address, and only that name", async () => {
    const dig = (name: string, type: string) => `dig +short +time=2 ${name} ${type}`;
    // The daemon publishes it once it runs: poll for the record.
    expect(await poll(meshclient, dig(meshName(), 'AAAA'), /\S/)).toBe(proxyMesh);
    expect((await sh(meshclient, dig(meshName(), 'A'))).out).toBe('');
    // Clearnet users of the public name never get the mesh address.
    const publicNames = await sh(
      meshclient,
      `${dig(stack.topology.serviceDomain, 'AAAA')}; ${dig(stack.topology.serviceDomain, 'A')}`,
    );
    expect(publicNames.out).not.toContain(proxyMesh);
    // Only the ingress nodes' public addresses, IPv4 and IPv6.
    expect(publicNames.out.split('\n').sort()).toEqual(
      INGRESS_NODES.flatMap((n) => [
        addressOf(stack.topology, n, 'public'),
        address6Of(stack.topology, n, 'public'),
      ]).sort(),
    );
  }, 90_000);

  it('serves the demo at the mesh name with a pebble certificate issued by DNS-01; the demo sees the mesh user', async () => {
    const got = await fetchOverMesh();
    expect(got.rc, got.out).toBe(0);
    expect(JSON.parse(got.out)).toMatchObject({
      service: 'demo',
      host: meshName(),
      proto: 'https',
      client: await meshAddressOf(meshclient),
    });
    const proxy = stack.hosts.proxy;
    const cert = await sh(
      proxy,
      `openssl x509 -in /etc/haproxy/certs/${meshName()}.pem -noout -issuer -ext subjectAltName`,
    );
    expect(cert.out).toMatch(/Pebble/);
    expect(cert.out).toContain(`DNS:${meshName()}`);
    const renewal = await sh(proxy, `cat /etc/letsencrypt/renewal/${meshName()}.conf`);
    expect(renewal.out).toMatch(/^authenticator = dns-rfc2136$/m);
    expect((await sh(proxy, 'stat -c %a /etc/ingress/acme-dns.ini')).out).toBe('600');
    // The challenge record is gone once the certificate is issued.
    expect((await sh(meshclient, `dig +short _acme-challenge.${meshName()} TXT`)).out).toBe('');
  }, 60_000);

  it("lets the local proxy's key change its mesh names and their challenges, and refuses it the public name", async () => {
    const key = await readFile(join(nodeKeyDir(stack.stateDir), 'proxy.key'), 'utf8');
    await putFile(stack.hosts.dns, '/tmp/proxy.key', key, '0600');
    const update = (lines: string[]) =>
      sh(
        stack.hosts.dns,
        `printf '%s\\n' ${lines.map((l) => `'${l}'`).join(' ')} send | nsupdate -k /tmp/proxy.key`,
      );
    const challenge = `_acme-challenge.${meshName()}`;
    const txt = await update(['server 127.0.0.1', `update add ${challenge} 30 TXT probe`]);
    expect(txt.rc, txt.out).toBe(0);
    expect((await update(['server 127.0.0.1', `update delete ${challenge} TXT`])).rc).toBe(0);
    const hijack = await update([
      'server 127.0.0.1',
      `update add ${stack.topology.serviceDomain} 30 AAAA ${proxyMesh}`,
    ]);
    expect(hijack.rc).not.toBe(0);
    expect(hijack.out).toMatch(/REFUSED/);
    const otherTxt = await update([
      'server 127.0.0.1',
      `update add _acme-challenge.${stack.topology.serviceDomain} 30 TXT x`,
    ]);
    expect(otherTxt.out).toMatch(/REFUSED/);
  }, 60_000);

  it('still serves the mesh user with both WANs cut and both ingress nodes stopped', async () => {
    // The last test of the suite: what it cuts stays cut until the lab is removed.
    await stack.lab.disconnectNetwork(stack.hosts.proxy, 'wan1');
    await stack.lab.disconnectNetwork(stack.hosts.proxy, 'wan2');
    await Promise.all(INGRESS_NODES.map((n) => stack.hosts[n].stop()));
    const states = await Promise.all(
      INGRESS_NODES.map(
        async (n) =>
          (await stack.hosts.client.exec(`ping -c1 -W1 ${addressOf(stack.topology, n, 'public')}`)).rc,
      ),
    );
    expect(states.every((rc) => rc !== 0)).toBe(true);
    expect((await sh(stack.hosts.proxy, 'ip -o -4 addr show')).out).not.toMatch(
      new RegExp(
        `${addressOf(stack.topology, 'proxy', 'wan1')}|${addressOf(stack.topology, 'proxy', 'wan2')}`,
      ),
    );
    expect((await sh(meshclient, `dig +short ${meshName()} AAAA`)).out).toBe(proxyMesh);
    const got = await fetchOverMesh();
    expect(got.rc, got.out).toBe(0);
    expect(JSON.parse(got.out)).toMatchObject({ service: 'demo', host: meshName() });
    // Still the public peer only: the route is meshclient -> meshpeer -> proxy.
    expect((await peersOf(meshclient)).map((p) => p.address)).toEqual([await meshAddressOf(meshpeer)]);
  }, 120_000);
});
