import { lstat, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initCa } from '../../../src/pki/ca.js';
import type { KeyType } from '../../../src/pki/crypto.js';
import { csrCommand, issueWithLocalKey, signCsr } from '../../../src/pki/issue.js';
import { paths, readIssued } from '../../../src/pki/store.js';
import { nodeCsr, openssl, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(async () => cleanup());

const mode = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

describe.each<KeyType>(['ecdsa-p256', 'rsa-2048'])('CA and issuance with %s', (keyType) => {
  it('creates a CA with CA extensions, a 0700 folder and 0600 keys', async () => {
    const stateDir = join(dir, 'pki');
    await initCa({ stateDir, keyType });
    const text = (await openssl(['x509', '-in', paths.currentCert(stateDir), '-noout', '-text'])).stdout;
    expect(text).toMatch(/Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
    expect(text).toMatch(/Key Usage: critical\s+Certificate Sign, CRL Sign/);
    expect(text).toContain('Subject Key Identifier');
    expect(text).toContain('Authority Key Identifier');
    expect(text).toContain(keyType === 'rsa-2048' ? 'Public-Key: (2048 bit)' : 'NIST CURVE: P-256');
    expect(await mode(stateDir)).toBe(0o700);
    expect((await lstat(paths.currentKey(stateDir))).isSymbolicLink()).toBe(true);
    expect(await mode(paths.currentKey(stateDir))).toBe(0o600);
    expect(await mode(paths.state(stateDir))).toBe(0o600);
  });

  it('signs a node CSR: verifies with openssl, carries DNS/IPv4/IPv6 SANs and usages', async () => {
    const stateDir = join(dir, 'pki');
    await initCa({ stateDir, keyType });
    const csrPem = await nodeCsr(dir, 'ingress-1', keyType);
    expect(await mode(join(dir, 'ingress-1.key'))).toBe(0o600);
    const sans = ['ingress-1.example.net', '203.0.113.7', '2001:DB8:0::7', '200:1234::1'];
    const issued = await signCsr({ stateDir, csrPem, name: 'ingress-1', sans });
    await writeFile(join(dir, 'leaf.crt'), issued.certPem);
    const verify = await openssl(['verify', '-CAfile', paths.currentCert(stateDir), join(dir, 'leaf.crt')]);
    expect(verify.stdout).toContain('leaf.crt: OK');
    const text = (await openssl(['x509', '-in', join(dir, 'leaf.crt'), '-noout', '-text'])).stdout;
    expect(text).toContain(
      'DNS:ingress-1.example.net, IP Address:203.0.113.7, IP Address:2001:DB8:0:0:0:0:0:7',
    );
    expect(text).toContain('IP Address:200:1234:0:0:0:0:0:1');
    expect(text).toContain(
      keyType === 'rsa-2048' ? 'Digital Signature, Key Encipherment' : 'Digital Signature\n',
    );
    expect(text).toContain('TLS Web Server Authentication, TLS Web Client Authentication');
    expect(text).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
    expect(text).toContain('Subject: CN = ingress-1');
    // The certificate matches the node's own key: the key never left the node.
    const certKey = await openssl(['x509', '-in', join(dir, 'leaf.crt'), '-noout', '-pubkey']);
    const nodeKey = await openssl(['pkey', '-in', join(dir, 'ingress-1.key'), '-pubout']);
    expect(certKey.stdout).toBe(nodeKey.stdout);
    const record = await readIssued(stateDir, 'ingress-1');
    expect(record?.sans).toEqual(['ingress-1.example.net', '203.0.113.7', '2001:db8::7', '200:1234::1']);
    expect(record?.serial).toBe(issued.record.serial);
    const lifeDays = (new Date(record!.notAfter).getTime() - Date.now()) / 86_400_000;
    expect(lifeDays).toBeGreaterThan(29.9);
    expect(lifeDays).toBeLessThanOrEqual(30);
  });
});

describe('CSR policy', () => {
  it('refuses a CSR that asks for a name the controller did not allow', async () => {
    const stateDir = join(dir, 'pki');
    await initCa({ stateDir, keyType: 'ecdsa-p256' });
    const req = await openssl(
      [
        'req',
        '-new',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        'k.pem',
      ].concat(['-subj', '/CN=ingress-1', '-addext', 'subjectAltName=DNS:ingress-1,DNS:bank.example']),
      dir,
    );
    await expect(
      signCsr({ stateDir, csrPem: req.stdout, name: 'ingress-1', sans: ['ingress-1'] }),
    ).rejects.toThrow(/not allowed for ingress-1: bank\.example/);
    const wrongCn = await nodeCsr(dir, 'ingress-2');
    await expect(
      signCsr({ stateDir, csrPem: wrongCn, name: 'ingress-1', sans: ['ingress-1'] }),
    ).rejects.toThrow(/CN=ingress-2/);
    expect(await readIssued(stateDir, 'ingress-1')).toBeUndefined();
  });

  it('refuses a CSR whose signature does not verify', async () => {
    const stateDir = join(dir, 'pki');
    await initCa({ stateDir, keyType: 'ecdsa-p256' });
    const csrPem = await nodeCsr(dir, 'ingress-1');
    const body = csrPem.split('\n').slice(1, -2).join('');
    const bytes = Buffer.from(body, 'base64');
    const at = bytes.length - 5;
    bytes[at] = (bytes[at] ?? 0) ^ 0xff;
    const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${bytes.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
    await expect(
      signCsr({ stateDir, csrPem: tampered, name: 'ingress-1', sans: ['ingress-1'] }),
    ).rejects.toThrow(/signature|not a PEM/);
  });

  it('refuses to replace an existing CA unless forced', async () => {
    const stateDir = join(dir, 'pki');
    const first = await initCa({ stateDir, keyType: 'ecdsa-p256' });
    await expect(initCa({ stateDir, keyType: 'ecdsa-p256' })).rejects.toThrow(/already exists/);
    expect(await readFile(paths.currentCert(stateDir), 'utf8')).toBe(first.certPem);
    const second = await initCa({ stateDir, keyType: 'ecdsa-p256', force: true });
    expect(await readFile(paths.currentCert(stateDir), 'utf8')).toBe(second.certPem);
  });

  it('builds the node command with the key written under umask 077', () => {
    expect(csrCommand({ name: 'ingress-1', keyPath: '/etc/ingress/tls/node key.pem' })).toBe(
      "umask 077 && openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout '/etc/ingress/tls/node key.pem' -subj /CN=ingress-1",
    );
    expect(() => csrCommand({ name: 'x/CN=evil', keyPath: 'k' })).toThrow(/invalid certificate name/);
  });

  it('issues with a locally made RSA key for operator use', async () => {
    const stateDir = join(dir, 'pki');
    await initCa({ stateDir, keyType: 'ecdsa-p256' });
    const issued = await issueWithLocalKey({
      stateDir,
      name: 'laptop',
      sans: ['laptop.lan'],
      keyType: 'rsa-2048',
      usage: 'client',
    });
    await writeFile(join(dir, 'l.crt'), issued.certPem);
    await writeFile(join(dir, 'l.key'), issued.keyPem);
    const text = (await openssl(['x509', '-in', join(dir, 'l.crt'), '-noout', '-text'])).stdout;
    expect(text).toContain('TLS Web Client Authentication');
    expect(text).not.toContain('TLS Web Server Authentication');
    const certKey = await openssl(['x509', '-in', 'l.crt', '-noout', '-pubkey'], dir);
    const ownKey = await openssl(['pkey', '-in', 'l.key', '-pubout'], dir);
    expect(certKey.stdout).toContain('BEGIN PUBLIC KEY');
    expect(certKey.stdout).toBe(ownKey.stdout);
  });
});
