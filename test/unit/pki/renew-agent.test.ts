import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE_PKI_PATHS } from '../../../src/pki/node-paths.js';
import { initCa } from '../../../src/pki/ca.js';
import { revoke } from '../../../src/pki/crl.js';
import { issueWithLocalKey } from '../../../src/pki/issue.js';
import { runRenewal } from '../../../src/pki/renew-agent.js';
import type { RenewAgentConfig } from '../../../src/pki/renew-config.js';
import { nextRenewalAt } from '../../../src/pki/renewal.js';
import { startSigner, type RunningSigner } from '../../../src/pki/signer-server.js';
import { LocalTransport } from '../../../src/transport/local.js';
import { tempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
let signer: RunningSigner;
let config: RenewAgentConfig;
const transport = new LocalTransport('node-a');

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  const stateDir = join(dir, 'ca');
  const ca = await initCa({ stateDir, keyType: 'ecdsa-p256' });
  const server = await issueWithLocalKey({ stateDir, name: 'signer', sans: ['signer', '127.0.0.1'] });
  await writeFile(join(dir, 'signer.crt'), server.certPem);
  await writeFile(join(dir, 'signer.key'), server.keyPem, { mode: 0o600 });
  signer = await startSigner({
    stateDir,
    host: '127.0.0.1',
    port: 0,
    certFile: join(dir, 'signer.crt'),
    keyFile: join(dir, 'signer.key'),
    lifetimeSeconds: 3_600,
  });
  // The node as enrolled by `ingress up`: a short-lived certificate, its key, the CA.
  const pkiDir = join(dir, 'node', 'pki');
  await mkdir(pkiDir, { recursive: true });
  const node = await issueWithLocalKey({ stateDir, name: 'node-a', sans: ['node-a'], lifetimeSeconds: 90 });
  await writeFile(join(pkiDir, 'node.pem'), `${node.certPem.trim()}\n${node.keyPem.trim()}\n`, {
    mode: 0o600,
  });
  await writeFile(join(pkiDir, 'ca.pem'), ca.certPem);
  const paths = {
    dir: pkiDir,
    combinedPem: join(pkiDir, 'node.pem'),
    caFile: join(pkiDir, 'ca.pem'),
    crlFile: join(pkiDir, 'crl.pem'),
  };
  config = {
    name: 'node-a',
    signer: { url: `https://127.0.0.1:${signer.port}`, serverName: 'signer' },
    paths,
    haproxy: undefined,
    keyType: 'ecdsa-p256',
    renewFraction: 2 / 3,
  };
  expect(paths.combinedPem).not.toBe(NODE_PKI_PATHS.combinedPem);
});

afterAll(async () => {
  await transport.close();
  await signer.close();
  await cleanup();
});

const nodePem = (): Promise<string> => readFile(config.paths.combinedPem, 'utf8');
const currentCert = async (): Promise<X509Certificate> => new X509Certificate(await nodePem());

describe('the renewal agent (one run, injected clock, signer on loopback)', () => {
  it('does nothing to the certificate before two thirds, but installs the CRL', async () => {
    const before = await nodePem();
    const cert = await currentCert();
    const dueAt = nextRenewalAt({ notBefore: new Date(cert.validFrom), notAfter: new Date(cert.validTo) });
    const outcome = await runRenewal(config, { now: () => dueAt.getTime() - 1, transport });
    expect(outcome).toMatchObject({
      renewed: false,
      reasons: [],
      changed: ['crl-file'],
      haproxy: 'not-managed',
    });
    expect(await nodePem()).toBe(before);
    expect(await readFile(config.paths.crlFile, 'utf8')).toContain('BEGIN X509 CRL');
  });

  it('renews at two thirds with a key made here (0600) and swaps the files', async () => {
    const old = await currentCert();
    const dueAt = nextRenewalAt({ notBefore: new Date(old.validFrom), notAfter: new Date(old.validTo) });
    const outcome = await runRenewal(config, { now: () => dueAt.getTime(), transport });
    expect(outcome.renewed).toBe(true);
    expect(outcome.reasons).toEqual([`renewal was due at ${dueAt.toISOString()}`]);
    expect(outcome.changed).toEqual(['cert']);
    const fresh = await currentCert();
    expect(fresh.serialNumber).not.toBe(old.serialNumber);
    expect(fresh.subject).toBe('CN=node-a');
    expect(fresh.subjectAltName).toBe('DNS:node-a');
    const pem = await nodePem();
    const key = createPrivateKey(pem);
    expect(createPublicKey(key).export({ format: 'pem', type: 'spki' })).toBe(
      fresh.publicKey.export({ format: 'pem', type: 'spki' }),
    );
    expect(pem).not.toMatch(/\n\s*\n/);
    expect((await stat(config.paths.combinedPem)).mode & 0o777).toBe(0o600);
    expect((await stat(join(config.paths.dir, 'node.key'))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(config.paths.dir, 'node.crt'), 'utf8')).toBe(`${fresh.toString().trim()}\n`);
  });

  it('is idempotent: a second run right after changes nothing', async () => {
    const before = await nodePem();
    const outcome = await runRenewal(config, { now: Date.now, transport });
    expect(outcome).toMatchObject({ renewed: false, changed: [] });
    expect(await nodePem()).toBe(before);
  });

  it('refuses to call the signer with an expired certificate and says what to do', async () => {
    const before = await nodePem();
    const notAfter = (await currentCert()).validTo;
    const later = new Date(notAfter).getTime() + 1_000;
    await expect(runRenewal(config, { now: () => later, transport })).rejects.toThrow(
      /^certificate [0-9a-f]+ expired at .*; the signer cannot authenticate it, re-enroll this node with "ingress up"$/,
    );
    expect(await nodePem()).toBe(before);
  });

  it('fails when revoked, says why, and leaves the current files untouched', async () => {
    const before = await nodePem();
    await revoke({ stateDir: join(dir, 'ca'), name: 'node-a' });
    await expect(runRenewal(config, { now: Date.now, transport }, { force: true })).rejects.toThrow(
      /the signer refused \(403\): certificate [0-9a-f]+ of node-a is revoked/,
    );
    expect(await nodePem()).toBe(before);
  });
});
