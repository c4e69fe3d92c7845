import { afterAll, describe, expect, it } from 'vitest';
import { normalizeSerial } from '../../../src/pki/crypto.js';
import {
  installCertViaRuntime,
  issueNodeCert,
  pushTrust,
  readTrustMaterial,
  type NodeCertOutcome,
} from '../../../src/pki/node-cert.js';
import { pruneTrustBundle, rotateCa } from '../../../src/pki/rotate.js';
import { readState } from '../../../src/pki/store.js';
import type { SslFileKind } from '../../../src/haproxy/tls-runtime.js';
import { useLab } from '../support/lab.js';
import { directRequest, startLoad } from './clients.js';
import {
  buildHop,
  closeHop,
  INGRESS,
  LOCAL_PROXY,
  MTLS_PORT,
  RELAY_PORT,
  serverStatus,
  trustedBundle,
  type Hop,
  type HopNode,
} from './hop-lab.js';
import { sleep } from '../../../src/time/sleep.js';

let hop: Hop | undefined;
useLab(async (lab) => {
  hop = await buildHop(lab);
});
afterAll(() => closeHop(hop));

function current(): Hop {
  if (!hop) throw new Error('the hop was not built');
  return hop;
}

const nodes = (h: Hop): Array<{ node: HopNode; name: string }> => [
  { node: h.localProxy, name: LOCAL_PROXY },
  { node: h.ingress, name: INGRESS },
];

/**
 * Loads what changed into the running HAProxy: certificates through the runtime API (the
 * test insists on it), CA changes through a seamless reload (HAProxy 2.6.12 crashes on a
 * CA commit after a certificate commit; see installCertViaRuntime).
 */
async function install(node: HopNode, changed: SslFileKind[]): Promise<void> {
  const outcome = await installCertViaRuntime(node.transport, changed);
  if (changed.includes('ca-file')) {
    expect(outcome).toEqual({ method: 'reload', swapped: [] });
    return;
  }
  expect(outcome.swapped.map((s) => [s.kind, s.ok, s.answer.split('\n').pop()])).toEqual(
    changed.map((kind) => [kind, true, 'Success!']),
  );
  expect(outcome.method).toBe('runtime');
}

async function renewBoth(h: Hop): Promise<Record<string, NodeCertOutcome>> {
  const issued: Record<string, NodeCertOutcome> = {};
  for (const { node, name } of nodes(h)) {
    const outcome = await issueNodeCert({
      stateDir: h.stateDir,
      transport: node.transport,
      name,
      sans: [node.host.address],
    });
    expect(outcome.changed).toEqual(['cert']);
    await install(node, outcome.changed);
    issued[name] = outcome;
  }
  return issued;
}

async function pushTrustToBoth(h: Hop, expected: SslFileKind[]): Promise<void> {
  const material = await readTrustMaterial(h.stateDir);
  for (const { node } of nodes(h)) {
    const changed = await pushTrust(node.transport, material);
    expect(changed).toEqual(expected);
    await install(node, changed);
  }
}

/** The serial the local proxy serves, seen by a TLS client (the handshake's first half is enough). */
async function servedServerSerial(h: Hop): Promise<string> {
  const result = await directRequest({
    host: h.localProxy.host.address,
    port: MTLS_PORT,
    ca: await trustedBundle(h),
    servername: LOCAL_PROXY,
  });
  return normalizeSerial(result.serverSerial ?? '');
}

/** The serial of the client certificate the ingress node last presented, from the local proxy's log. */
async function presentedClientSerial(h: Hop): Promise<string> {
  const log = await h.localProxy.transport.exec(
    `journalctl -u haproxy -o cat --no-pager | grep 'cn=${INGRESS} ' | tail -1`,
  );
  return normalizeSerial(/serial=([0-9A-Fa-f]+)/.exec(log.stdout)?.[1] ?? '');
}

describe('renewal and CA rotation on a live mTLS hop', () => {
  it('renews both certificates, rotates the CA and drops the old one with zero failed requests', async () => {
    const h = current();
    const firstCa = (await readState(h.stateDir))?.currentCa;
    const load = startLoad(h.ingress.host.address, RELAY_PORT, 20, 150_000);

    const renewed = await renewBoth(h);
    await sleep(1_000);
    expect(await servedServerSerial(h)).toBe(normalizeSerial(renewed[LOCAL_PROXY]?.record.serial ?? '?'));
    expect(await presentedClientSerial(h)).toBe(normalizeSerial(renewed[INGRESS]?.record.serial ?? '?'));

    // Rotation: overlap first (CRLs before the CA that needs them), then new certificates, then drop.
    const { current: newCa } = await rotateCa({ stateDir: h.stateDir });
    await pushTrustToBoth(h, ['crl-file', 'ca-file']);
    const rotated = await renewBoth(h);
    expect(rotated[LOCAL_PROXY]?.record.caId).toBe(newCa.id);
    expect(rotated[INGRESS]?.record.caId).toBe(newCa.id);
    expect(await pruneTrustBundle({ stateDir: h.stateDir })).toEqual([firstCa]);
    await pushTrustToBoth(h, ['ca-file', 'crl-file']);
    await sleep(2_000);

    const report = await load.stop();
    expect(report.errors).toEqual([]);
    expect(report.failed).toBe(0);
    expect(report.sent).toBeGreaterThan(40);
    expect(await servedServerSerial(h)).toBe(normalizeSerial(rotated[LOCAL_PROXY]?.record.serial ?? '?'));
    expect(await presentedClientSerial(h)).toBe(normalizeSerial(rotated[INGRESS]?.record.serial ?? '?'));
    const bundle = (await h.ingress.transport.get('/etc/ingress/pki/ca.pem')).toString('utf8');
    expect(bundle.trim()).toBe(newCa.certPem.trim());
    expect(await serverStatus(h.ingress.transport)).toBe('UP');
  }, 180_000);
});
