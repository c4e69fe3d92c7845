import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateKeyPair, keyAlgorithm } from '../../../src/pki/crypto.js';
import { x509 } from '../../../src/pki/x509.js';
import { certificatesFor } from '../../../src/stack/certs.js';

let stateDir = '';
beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'stack-certs-'));
});
afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

async function csrFor(name: string): Promise<string> {
  const keys = await generateKeyPair('ecdsa-p256');
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: `CN=${name}`,
    keys,
    signingAlgorithm: keyAlgorithm('ecdsa-p256'),
  });
  return csr.toString('pem');
}

describe('certificatesFor', () => {
  it('creates the CA, signs with the given SANs, and reuses the certificate while it still fits', async () => {
    const csrPem = await csrFor('edge-1');
    const request = { name: 'edge-1', csrPem, sans: ['edge-1', '198.51.100.10', '200::1'] };
    const first = await certificatesFor({ stateDir, requests: [request] });
    expect(first.issued).toEqual(['edge-1']);
    const cert = new x509.X509Certificate(first.certs['edge-1'] as string);
    expect(cert.subject).toBe('CN=edge-1');
    expect(first.caBundlePem).toContain('BEGIN CERTIFICATE');
    expect(first.crlPem).toContain('BEGIN X509 CRL');

    const again = await certificatesFor({ stateDir, requests: [request] });
    expect(again.issued).toEqual([]);
    expect(again.certs['edge-1']).toBe(first.certs['edge-1']);
    expect(again.crlPem).toBe(first.crlPem);
  });

  it('issues anew when the names or the key change', async () => {
    const csrPem = await csrFor('edge-1');
    await certificatesFor({ stateDir, requests: [{ name: 'edge-1', csrPem, sans: ['edge-1'] }] });
    const renamed = await certificatesFor({
      stateDir,
      requests: [{ name: 'edge-1', csrPem, sans: ['edge-1', '192.0.2.1'] }],
    });
    expect(renamed.issued).toEqual(['edge-1']);
    const rekeyed = await certificatesFor({
      stateDir,
      requests: [{ name: 'edge-1', csrPem: await csrFor('edge-1'), sans: ['edge-1', '192.0.2.1'] }],
    });
    expect(rekeyed.issued).toEqual(['edge-1']);
  });
});
