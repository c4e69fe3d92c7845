import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initCa } from '../../../src/pki/ca.js';
import { revoke } from '../../../src/pki/crl.js';
import { issueWithLocalKey } from '../../../src/pki/issue.js';
import { installCertViaRuntime, pushTrust, readTrustMaterial } from '../../../src/pki/node-cert.js';
import { useLab } from '../support/lab.js';
import { directRequest, relayRequest, type DirectOptions, type DirectResult } from './clients.js';
import {
  buildHop,
  closeHop,
  LOCAL_PROXY,
  MTLS_PORT,
  RELAY_PORT,
  trustedBundle,
  type Hop,
} from './hop-lab.js';

let hop: Hop | undefined;
const lab = useLab(async (l) => {
  hop = await buildHop(l);
});
afterAll(() => closeHop(hop));

function current(): Hop {
  if (!hop) throw new Error('the hop was not built');
  return hop;
}

/** A client that connects straight to the local proxy's mTLS port, as an ingress node would. */
async function asClient(cert?: { certPem: string; keyPem: string }, extra: Partial<DirectOptions> = {}) {
  const h = current();
  return directRequest({
    host: h.localProxy.host.address,
    port: MTLS_PORT,
    ca: await trustedBundle(h),
    servername: LOCAL_PROXY,
    ...(cert ? { cert: cert.certPem, key: cert.keyPem } : {}),
    ...extra,
  });
}

const refused = (result: DirectResult): string => (result.ok ? `answered for ${result.client}` : 'refused');

describe('mTLS hop ingress → local proxy, configured by the shipped templates', () => {
  it('relays a request end to end and the service sees the client address (PROXY v2)', async () => {
    const h = current();
    const answer = await relayRequest(h.ingress.host.address, RELAY_PORT);
    expect(answer.status).toBe(200);
    // The demo behind the mTLS listener reports the address of this test process, not the ingress node's.
    expect(answer.client).toBe(answer.localAddress);
    expect(answer.client).not.toBe(h.ingress.host.address);
  });

  it('admits a client certificate of our CA named like an ingress node', async () => {
    const client = await issueWithLocalKey({
      stateDir: current().stateDir,
      name: 'ingress-3',
      sans: ['ingress-3'],
    });
    const result = await asClient(client);
    expect(result).toMatchObject({ ok: true, client: '198.51.100.7' });
  });

  it('refuses a client without a certificate', async () => {
    expect(refused(await asClient())).toBe('refused');
  });

  it('refuses a certificate from another CA, even with an ingress name', async () => {
    const otherDir = await mkdtemp(join(lab.current().workDir, 'other-ca-'));
    await initCa({ stateDir: otherDir, keyType: 'ecdsa-p256' });
    const foreign = await issueWithLocalKey({ stateDir: otherDir, name: 'ingress-1', sans: ['ingress-1'] });
    expect(refused(await asClient(foreign))).toBe('refused');
  });

  it('refuses an expired certificate of our CA', async () => {
    const expired = await issueWithLocalKey({
      stateDir: current().stateDir,
      name: 'ingress-3',
      sans: ['ingress-3'],
      lifetimeDays: 1,
      now: new Date(Date.now() - 3 * 86_400_000),
    });
    expect(refused(await asClient(expired))).toBe('refused');
  });

  it('refuses a valid certificate of our CA whose name is not an ingress node', async () => {
    const rogue = await issueWithLocalKey({
      stateDir: current().stateDir,
      name: 'rogue-1',
      sans: ['rogue-1'],
    });
    const result = await asClient(rogue);
    // The handshake itself passes (same CA); the name check closes the session before any answer.
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.serverSerial).toBeDefined();
  });

  it('refuses a TLS 1.2 client', async () => {
    const client = await issueWithLocalKey({
      stateDir: current().stateDir,
      name: 'ingress-3',
      sans: ['ingress-3'],
    });
    const result = await asClient(client, { maxVersion: 'TLSv1.2' });
    expect(result).toMatchObject({ ok: false });
    if (!result.ok) expect(result.reason).toMatch(/PROTOCOL_VERSION|VERSION/);
  });

  it('refuses a revoked certificate once the new CRL is pushed, without a reload', async () => {
    const h = current();
    const client = await issueWithLocalKey({ stateDir: h.stateDir, name: 'ingress-2', sans: ['ingress-2'] });
    expect((await asClient(client)).ok).toBe(true);
    const pidBefore = (await h.localProxy.transport.exec('pidof haproxy')).stdout.trim();

    await revoke({ stateDir: h.stateDir, name: 'ingress-2' });
    const changed = await pushTrust(h.localProxy.transport, await readTrustMaterial(h.stateDir));
    expect(changed).toEqual(['crl-file']);
    const installed = await installCertViaRuntime(h.localProxy.transport, changed);
    expect(installed.method).toBe('runtime');

    const deadline = Date.now() + 5_000;
    let last = await asClient(client);
    while (last.ok && Date.now() < deadline) last = await asClient(client);
    expect(refused(last)).toBe('refused');
    // The node itself keeps passing, and HAProxy was not restarted to get there.
    expect((await relayRequest(h.ingress.host.address, RELAY_PORT)).client).toBeDefined();
    expect((await h.localProxy.transport.exec('pidof haproxy')).stdout.trim()).toBe(pidBefore);
  });

  it('keeps the node keys on the nodes, 0600', async () => {
    const h = current();
    for (const node of [h.ingress, h.localProxy]) {
      const modes = await node.transport.exec(
        'stat -c "%a %n" /etc/ingress/pki/node.key /etc/ingress/pki/node.pem',
      );
      expect(modes.stdout).toBe('600 /etc/ingress/pki/node.key\n600 /etc/ingress/pki/node.pem\n');
    }
  });

  it('hot-swaps the CA file at runtime, and HAProxy wants a CRL from every trusted CA', async () => {
    const h = current();
    const otherDir = await mkdtemp(join(lab.current().workDir, 'second-ca-'));
    await initCa({ stateDir: otherDir, keyType: 'ecdsa-p256' });
    const outsider = await issueWithLocalKey({ stateDir: otherDir, name: 'ingress-3', sans: ['ingress-3'] });
    const ours = await readTrustMaterial(h.stateDir);
    const theirs = await readTrustMaterial(otherDir);
    const bothCas = `${ours.caBundlePem.trim()}\n${theirs.caBundlePem.trim()}\n`;
    const options = { caFileVia: 'runtime' as const };
    const trust = (crlPem: string) => ({ caBundlePem: bothCas, crlPem });
    const ca = { ca: bothCas };

    // The second CA is trusted but its CRL is missing: its certificates are refused.
    expect(await pushTrust(h.localProxy.transport, trust(ours.crlPem))).toEqual(['ca-file']);
    expect((await installCertViaRuntime(h.localProxy.transport, ['ca-file'], options)).method).toBe(
      'runtime',
    );
    expect(refused(await asClient(outsider, ca))).toBe('refused');
    // With one CRL per trusted CA, the same certificate passes.
    const bothCrls = `${ours.crlPem.trim()}\n${theirs.crlPem.trim()}\n`;
    expect(await pushTrust(h.localProxy.transport, trust(bothCrls))).toEqual(['crl-file']);
    expect((await installCertViaRuntime(h.localProxy.transport, ['crl-file'], options)).method).toBe(
      'runtime',
    );
    expect((await asClient(outsider, ca)).ok).toBe(true);
  });
});
