import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initCa } from '../../../src/pki/ca.js';
import { generateKeyPair, keyAlgorithm, normalizeSerial } from '../../../src/pki/crypto.js';
import { revoke } from '../../../src/pki/crl.js';
import { issueWithLocalKey } from '../../../src/pki/issue.js';
import { newKeyAndCsr } from '../../../src/pki/renew-identity.js';
import { fetchTrust, requestRenewal, type SignerEndpoint } from '../../../src/pki/signer-client.js';
import { startSigner, type RunningSigner } from '../../../src/pki/signer-server.js';
import { paths, readIssued } from '../../../src/pki/store.js';
import { x509 } from '../../../src/pki/x509.js';
import { tempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
let signer: RunningSigner;
let caPem: string;
const logged: Array<Record<string, unknown>> = [];

async function identity(stateDir: string, name: string, sans: string[]) {
  const issued = await issueWithLocalKey({ stateDir, name, sans });
  return { certPem: issued.certPem, keyPem: issued.keyPem, serial: issued.record.serial };
}

async function endpointFor(
  name: string,
  sans = [name, '192.0.2.10'],
): Promise<SignerEndpoint & { serial: string }> {
  const id = await identity(join(dir, 'ca'), name, sans);
  return { url: `https://127.0.0.1:${signer.port}`, serverName: 'signer', caPem, ...id };
}

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  const stateDir = join(dir, 'ca');
  caPem = (await initCa({ stateDir, keyType: 'ecdsa-p256' })).certPem;
  const server = await identity(stateDir, 'signer', ['signer', '127.0.0.1']);
  await writeFile(join(dir, 'signer.crt'), server.certPem);
  await writeFile(join(dir, 'signer.key'), server.keyPem, { mode: 0o600 });
  const log = (fields: object): void => void logged.push(fields as Record<string, unknown>);
  signer = await startSigner({
    stateDir,
    host: '127.0.0.1',
    port: 0,
    certFile: join(dir, 'signer.crt'),
    keyFile: join(dir, 'signer.key'),
    lifetimeSeconds: 3_600,
    rateLimit: { max: 2, windowMs: 60_000 },
    log: { info: log, warn: log },
  });
});

afterAll(async () => {
  await signer.close();
  await cleanup();
});

describe('the renewal signer (mTLS on loopback)', () => {
  it('renews with the recorded names and the configured lifetime, for the key of the CSR', async () => {
    const endpoint = await endpointFor('node-a');
    const fresh = await newKeyAndCsr('node-a', 'ecdsa-p256');
    const answer = await requestRenewal(endpoint, fresh.csrPem);
    const cert = new x509.X509Certificate(answer.certPem);
    expect(cert.subject).toBe('CN=node-a');
    const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
    expect(san?.names.items.map((n) => String(n.value))).toEqual(['node-a', '192.0.2.10']);
    expect(Buffer.from(cert.publicKey.rawData).equals(Buffer.from(fresh.publicKey.rawData))).toBe(true);
    expect(normalizeSerial(cert.serialNumber)).not.toBe(normalizeSerial(endpoint.serial));
    const lifeMs = cert.notAfter.getTime() - Date.now();
    expect(lifeMs).toBeGreaterThan(3_500_000);
    expect(lifeMs).toBeLessThanOrEqual(3_600_000);
    expect(answer.caBundlePem.trim()).toBe(caPem.trim());
    expect(answer.crlPem).toContain('BEGIN X509 CRL');
    expect((await readIssued(join(dir, 'ca'), 'node-a'))?.serial).toBe(answer.serial);
    const entry = logged.find((l) => l.event === 'renewed' && l.name === 'node-a');
    expect(entry).toMatchObject({ serial: answer.serial });
    expect(JSON.stringify(logged)).not.toMatch(/PRIVATE KEY|CERTIFICATE REQUEST/);
  });

  it('serves the trust bundle and CRLs to a valid client', async () => {
    const trust = await fetchTrust(await endpointFor('node-t'));
    expect(trust.caBundlePem.trim()).toBe(caPem.trim());
    expect(trust.crlPem).toContain('BEGIN X509 CRL');
  });

  it('refuses a CSR asking for names beyond the record', async () => {
    const endpoint = await endpointFor('node-b');
    const keys = await generateKeyPair('ecdsa-p256');
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({
      name: 'CN=node-b',
      keys,
      signingAlgorithm: keyAlgorithm('ecdsa-p256'),
      extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'evil.example' }])],
    });
    await expect(requestRenewal(endpoint, csr.toString('pem'))).rejects.toThrow(
      'the signer refused (400): CSR asks for names not allowed for node-b: evil.example',
    );
  });

  it('refuses a client of this CA with no record (unknown)', async () => {
    const endpoint = await endpointFor('node-gone');
    await rm(paths.issuedJson(join(dir, 'ca'), 'node-gone'));
    const fresh = await newKeyAndCsr('node-gone', 'ecdsa-p256');
    await expect(requestRenewal(endpoint, fresh.csrPem)).rejects.toThrow(
      'the signer refused (403): unknown client node-gone: no certificate was issued under this name',
    );
  });

  it('refuses a certificate of another CA at the TLS handshake', async () => {
    const other = join(dir, 'other-ca');
    await initCa({ stateDir: other, keyType: 'ecdsa-p256' });
    const stranger = await identity(other, 'node-a', ['node-a', '192.0.2.10']);
    const endpoint = { ...(await endpointFor('node-x')), ...stranger };
    await expect(fetchTrust(endpoint)).rejects.toThrow(
      /cannot reach the signer at https:\/\/127.0.0.1:\d+: /,
    );
  });

  it('refuses a revoked node, both renewal and trust, and says why', async () => {
    const endpoint = await endpointFor('node-r');
    await revoke({ stateDir: join(dir, 'ca'), name: 'node-r' });
    const serial = normalizeSerial(endpoint.serial);
    const fresh = await newKeyAndCsr('node-r', 'ecdsa-p256');
    const why = `the signer refused (403): certificate ${serial} of node-r is revoked`;
    await expect(requestRenewal(endpoint, fresh.csrPem)).rejects.toThrow(why);
    await expect(fetchTrust(endpoint)).rejects.toThrow(why);
  });

  it('rate-limits renewals per name', async () => {
    const endpoint = await endpointFor('node-c');
    const csr = async (): Promise<string> => (await newKeyAndCsr('node-c', 'ecdsa-p256')).csrPem;
    await requestRenewal(endpoint, await csr());
    await requestRenewal(endpoint, await csr());
    await expect(requestRenewal(endpoint, await csr())).rejects.toThrow(
      /the signer refused \(429\): too many renewals for node-c; retry in \d+ s/,
    );
  });
});
