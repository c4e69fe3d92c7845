import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initCa } from '../../../src/pki/ca.js';
import { crlNeedsRefresh, readCrls, refreshCrl, revoke } from '../../../src/pki/crl.js';
import type { KeyType } from '../../../src/pki/crypto.js';
import { signCsr } from '../../../src/pki/issue.js';
import { pruneTrustBundle, rotateCa } from '../../../src/pki/rotate.js';
import { paths, readState } from '../../../src/pki/store.js';
import { x509 } from '../../../src/pki/x509.js';
import { nodeCsr, openssl, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(async () => cleanup());

const DAY = 86_400_000;

async function issue(stateDir: string, name: string, keyType: KeyType, now?: Date): Promise<string> {
  const csrPem = await nodeCsr(dir, name, keyType);
  const issued = await signCsr({ stateDir, csrPem, name, sans: [`${name}.example.net`], now });
  const file = join(dir, `${name}.crt`);
  await writeFile(file, issued.certPem);
  return file;
}

const verifyWithCrl = (caFile: string, crlFile: string, cert: string) =>
  openssl(['verify', '-crl_check', '-CAfile', caFile, '-CRLfile', crlFile, cert]);

describe.each<KeyType>(['ecdsa-p256', 'rsa-2048'])('revocation with %s', (keyType) => {
  it('lists a revoked certificate in the CRL and openssl -crl_check rejects it', async () => {
    const stateDir = join(dir, 'pki');
    await initCa({ stateDir, keyType });
    const bad = await issue(stateDir, 'ingress-1', keyType);
    const good = await issue(stateDir, 'ingress-2', keyType);
    const before = await readCrls(stateDir);
    expect(before).toHaveLength(1);
    await revoke({ stateDir, name: 'ingress-1' });
    const text = (await openssl(['crl', '-in', paths.crl(stateDir), '-noout', '-text'])).stdout;
    expect(text).toMatch(/Serial Number: 01\s/);
    expect(text).not.toMatch(/Serial Number: 02\s/);
    expect(text).toMatch(/X509v3 CRL Number:\s+2/);
    const rejected = await verifyWithCrl(paths.currentCert(stateDir), paths.crl(stateDir), bad);
    expect(rejected.code).not.toBe(0);
    expect(rejected.stdout + rejected.stderr).toContain('certificate revoked');
    const accepted = await verifyWithCrl(paths.currentCert(stateDir), paths.crl(stateDir), good);
    expect(accepted.stdout).toContain(': OK');
    const state = await readState(stateDir);
    expect(state?.revoked.map((r) => r.name)).toEqual(['ingress-1']);
  });
});

describe('CRL refresh', () => {
  it('is due once half of the window has passed, and the number increases', async () => {
    const stateDir = join(dir, 'pki');
    const t0 = new Date('2030-01-01T00:00:00Z');
    await initCa({ stateDir, keyType: 'ecdsa-p256', now: t0 });
    const [crl] = await readCrls(stateDir);
    expect(crl?.nextUpdate?.toISOString()).toBe('2030-01-08T00:00:00.000Z');
    expect(crlNeedsRefresh(crl!, new Date(t0.getTime() + 3.5 * DAY - 1))).toBe(false);
    expect(crlNeedsRefresh(crl!, new Date(t0.getTime() + 3.5 * DAY))).toBe(true);
    await refreshCrl({ stateDir, now: new Date(t0.getTime() + 4 * DAY), validityDays: 2 });
    const [next] = await readCrls(stateDir);
    expect(next?.nextUpdate?.toISOString()).toBe('2030-01-07T00:00:00.000Z');
    const text = (await openssl(['crl', '-in', paths.crl(stateDir), '-noout', '-text'])).stdout;
    expect(text).toMatch(/X509v3 CRL Number:\s+2/);
  });
});

describe('CA rotation', () => {
  it('keeps old certificates verifying through the bundle, with one CRL per CA, then prunes', async () => {
    const stateDir = join(dir, 'pki');
    await initCa({ stateDir, keyType: 'ecdsa-p256' });
    const oldCa = join(dir, 'old-ca.crt');
    await writeFile(oldCa, await readFile(paths.currentCert(stateDir), 'utf8'));
    const oldLeaf = await issue(stateDir, 'ingress-1', 'ecdsa-p256');
    const rotated = await rotateCa({ stateDir });
    const newLeaf = await issue(stateDir, 'ingress-2', 'ecdsa-p256');
    const bundle = paths.bundle(stateDir);

    expect((await openssl(['verify', '-CAfile', bundle, oldLeaf])).stdout).toContain(': OK');
    expect((await openssl(['verify', '-CAfile', bundle, newLeaf])).stdout).toContain(': OK');
    expect((await openssl(['verify', '-CAfile', paths.currentCert(stateDir), oldLeaf])).code).not.toBe(0);
    expect((await verifyWithCrl(bundle, paths.crl(stateDir), oldLeaf)).stdout).toContain(': OK');
    expect((await verifyWithCrl(bundle, paths.crl(stateDir), newLeaf)).stdout).toContain(': OK');
    // Why crl.pem carries the old CA's CRL: with only the new CA's CRL, OpenSSL (as HAProxy
    // uses it) refuses the old CA's certificates outright.
    const [currentCrl] = await readCrls(stateDir);
    await writeFile(join(dir, 'only-new.crl'), x509.PemConverter.encode(currentCrl!.rawData, 'X509 CRL'));
    const missing = await verifyWithCrl(bundle, join(dir, 'only-new.crl'), oldLeaf);
    expect(missing.stdout + missing.stderr).toContain('unable to get certificate CRL');

    // Revoking the old-CA certificate puts it on the old CA's CRL.
    await revoke({ stateDir, name: 'ingress-1' });
    expect((await verifyWithCrl(bundle, paths.crl(stateDir), oldLeaf)).stdout + '').not.toContain(': OK');
    expect(await pruneTrustBundle({ stateDir })).toEqual([rotated.previous]);
    const pems = (await readFile(bundle, 'utf8')).match(/BEGIN CERTIFICATE/g);
    expect(pems).toHaveLength(1);
    expect((await openssl(['verify', '-CAfile', bundle, oldLeaf])).code).not.toBe(0);
    expect(await readCrls(stateDir)).toHaveLength(1);
  });

  it('keeps the previous CA while a certificate it issued is alive', async () => {
    const stateDir = join(dir, 'pki');
    const t0 = new Date('2030-01-01T00:00:00Z');
    await initCa({ stateDir, keyType: 'rsa-2048', now: t0 });
    await issue(stateDir, 'ingress-1', 'rsa-2048', t0);
    const rotated = await rotateCa({ stateDir, now: new Date(t0.getTime() + DAY) });
    expect(await pruneTrustBundle({ stateDir, now: new Date(t0.getTime() + 29 * DAY) })).toEqual([]);
    expect((await readState(stateDir))?.previousCas).toEqual([rotated.previous]);
    expect(await pruneTrustBundle({ stateDir, now: new Date(t0.getTime() + 31 * DAY) })).toEqual([
      rotated.previous,
    ]);
  });
});
