import { mkdtemp } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusHandler } from '../../../src/daemon/http.js';
import { fetchPeerStatus } from '../../../src/daemon/ports.js';
import type { TlsMaterial } from '../../../src/daemon/status-tls.js';
import type { PeerCertificate } from 'node:tls';
import {
  checkPeerIdentity,
  createMutualTlsServer,
  getJsonMutualTls,
} from '../../../src/daemon/status-tls.js';
import { probeContext } from '../../../src/daemon/probe.js';
import { initCa } from '../../../src/pki/ca.js';
import { issueWithLocalKey } from '../../../src/pki/issue.js';

// Real certificates from the project's CA, a real TLS server on loopback.
let fleetDir: string;
let serverMaterial: TlsMaterial;
let baseUrl: string;
let close: () => Promise<void>;

async function member(stateDir: string, name: string, sans: string[] = [name]): Promise<TlsMaterial> {
  const issued = await issueWithLocalKey({ stateDir, name, sans });
  return { ca: issued.caBundlePem, cert: issued.certPem, key: issued.keyPem };
}

beforeAll(async () => {
  fleetDir = await mkdtemp(join(tmpdir(), 'status-tls-'));
  await initCa({ stateDir: fleetDir, keyType: 'ecdsa-p256' });
  serverMaterial = await member(fleetDir, 'ingress-1', ['ingress-1', '127.0.0.1']);
  const options = {
    listen: { hosts: [], port: 0 },
    status: () => ({ node: 'ingress-1', serving: true, deadPeers: [], allowSet: null, paths: ['secret'] }),
    metrics: async () => '',
  };
  const server = createMutualTlsServer(
    serverMaterial,
    ['ingress-2', 'proxy'],
    statusHandler(options, 'peer'),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
}, 30_000);
afterAll(async () => {
  await close?.();
});

describe('/status on the mesh over mTLS', () => {
  it('polls a peer over one kept connection, and over a new one once the peer closed it', async () => {
    // As the daemon polls: with the context its material cache built once.
    const files = await member(fleetDir, 'proxy');
    const peer = { ...files, context: probeContext(files) };
    const options = {
      listen: { hosts: [], port: 0 },
      status: () => ({ node: 'ingress-1', serving: true, deadPeers: [], allowSet: null }),
      metrics: async () => '',
    };
    const server = createMutualTlsServer(serverMaterial, ['proxy'], statusHandler(options, 'peer'));
    let handshakes = 0;
    server.on('secureConnection', () => (handshakes += 1));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/status`;
    try {
      // Apart by more than the request's timeout: an idle kept connection must outlive it.
      for (let i = 0; i < 3; i++) {
        expect(await getJsonMutualTls(url, peer, 200)).toMatchObject({ serving: true });
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      expect(handshakes).toBe(1);
      // A restarted peer resets the kept connection: the poll still answers, over a new one.
      server.closeAllConnections();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await getJsonMutualTls(url, peer, 5000)).toMatchObject({ serving: true });
      expect(handshakes).toBe(2);
    } finally {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
  });

  it('answers a fleet member with the peer view only', async () => {
    const peer = await member(fleetDir, 'ingress-2');
    const doc = await getJsonMutualTls(`${baseUrl}/status`, peer, 5000);
    expect(doc).toEqual({ node: 'ingress-1', serving: true, deadPeers: [], allowSet: null });
    expect(await fetchPeerStatus(`${baseUrl}/status`, 5000, async () => peer)).toEqual({
      serving: true,
      deadPeers: [],
      allowSet: null,
    });
  });

  it('refuses a client without a certificate', async () => {
    const anonymous = { ...serverMaterial, cert: '', key: '' };
    await expect(getJsonMutualTls(`${baseUrl}/status`, anonymous, 5000)).rejects.toThrow();
    await expect(fetch(`${baseUrl}/status`)).rejects.toThrow();
  });

  it('refuses a certificate from another CA', async () => {
    const otherDir = await mkdtemp(join(tmpdir(), 'status-tls-other-'));
    await initCa({ stateDir: otherDir, keyType: 'ecdsa-p256' });
    const stranger = await member(otherDir, 'ingress-2');
    // It trusts our CA, so only its own certificate can fail the handshake.
    await expect(
      getJsonMutualTls(`${baseUrl}/status`, { ...stranger, ca: serverMaterial.ca }, 5000),
    ).rejects.toThrow();
  });

  it('answers 403 to a certificate of our CA whose name is not a fleet member that polls', async () => {
    const outsider = await member(fleetDir, 'retired-node');
    await expect(getJsonMutualTls(`${baseUrl}/status`, outsider, 5000)).rejects.toThrow(/status 403/);
  });

  it('refuses a server whose certificate does not carry the address polled', async () => {
    const peer = await member(fleetDir, 'ingress-2');
    const url = `${baseUrl.replace('127.0.0.1', 'localhost')}/status`;
    await expect(getJsonMutualTls(url, peer, 5000)).rejects.toThrow(/localhost.*altnames/i);
  });
});

describe('the peer certificate must carry the polled address', () => {
  // As OpenSSL prints an IPv6 SAN (uncompressed), which Node 20.19 compares as text.
  const cert = { subjectaltname: 'DNS:ingress-2, IP Address:200:1234:0:0:0:0:0:1' } as PeerCertificate;

  it('matches a Yggdrasil address however it is spelt', () => {
    expect(checkPeerIdentity('200:1234::1', cert)).toBeUndefined();
    expect(checkPeerIdentity('0200:1234:0000::0001', cert)).toBeUndefined();
  });

  it('refuses another address, naming what the certificate holds', () => {
    expect(checkPeerIdentity('200:1234::2', cert)?.message).toBe(
      "200:1234::2 is not among the certificate's addresses (200:1234:0:0:0:0:0:1)",
    );
    expect(checkPeerIdentity('192.0.2.1', cert)).toBeInstanceOf(Error);
  });
});
