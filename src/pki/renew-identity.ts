import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IngressError } from '../errors.js';
import type { NodePkiPaths } from './node-paths.js';
import {
  exportPrivateKeyPem,
  fingerprintHex,
  generateKeyPair,
  keyAlgorithm,
  type KeyType,
} from './crypto.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { x509 } from './x509.js';

/** A node's own certificate and key, as the node keeps them; the key never leaves this host. */
export interface NodeIdentity {
  certPem: string;
  keyPem: string;
  cert: x509.X509Certificate;
}

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const KEY_BLOCK = /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----[\s\S]+?-----END (?:[A-Z]+ )?PRIVATE KEY-----/;

export function pemCertificates(text: string): string[] {
  return text.match(CERT_BLOCK) ?? [];
}

/**
 * node.pem (certificate then key) is the commit point of a renewal: one atomic file
 * that always holds a matching pair, so the agent reads its identity from it.
 */
export async function readIdentity(paths: NodePkiPaths): Promise<NodeIdentity> {
  let text: string;
  try {
    text = await readFile(paths.combinedPem, 'utf8');
  } catch (cause) {
    throw new IngressError(
      'E_PKI',
      `cannot read ${paths.combinedPem}; enroll the node with "ingress up" first`,
      {
        cause,
      },
    );
  }
  const certPem = pemCertificates(text)[0];
  const keyPem = KEY_BLOCK.exec(text)?.[0];
  if (!certPem || !keyPem) {
    throw new IngressError('E_PKI', `${paths.combinedPem} does not hold a certificate and a key`);
  }
  return { certPem: `${certPem}\n`, keyPem: `${keyPem}\n`, cert: new x509.X509Certificate(certPem) };
}

export interface FreshKey {
  keyPem: string;
  csrPem: string;
  publicKey: x509.PublicKey;
}

/** A new key pair, born here, and a CSR naming only CN=name: the signer decides the SANs. */
export async function newKeyAndCsr(name: string, keyType: KeyType): Promise<FreshKey> {
  const keys = await generateKeyPair(keyType);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: `CN=${name}`,
    keys,
    signingAlgorithm: keyAlgorithm(keyType),
  });
  return {
    keyPem: await exportPrivateKeyPem(keys.privateKey),
    csrPem: csr.toString('pem'),
    publicKey: csr.publicKey,
  };
}

/** Fingerprints of the trusted CAs: the current one (first in the bundle) and the issuer of `cert`. */
export async function caIds(
  cert: x509.X509Certificate,
  bundlePem: string,
): Promise<{ current: string; issuer: string | undefined }> {
  const cas = pemCertificates(bundlePem).map((pem) => new x509.X509Certificate(pem));
  const first = cas[0];
  if (!first) throw new IngressError('E_PKI', 'the trust bundle holds no CA certificate');
  let issuer: string | undefined;
  for (const ca of cas) {
    if (ca.subject !== cert.issuer) continue;
    if (await cert.verify({ publicKey: ca.publicKey, signatureOnly: true })) {
      issuer = await fingerprintHex(ca);
      break;
    }
  }
  return { current: await fingerprintHex(first), issuer };
}

/** Refuses an answer that would not work: wrong name, another key, or not signed by a trusted CA. */
export async function checkIssued(
  certPem: string,
  name: string,
  publicKey: x509.PublicKey,
  bundlePem: string,
  now: Date,
): Promise<x509.X509Certificate> {
  const cert = new x509.X509Certificate(certPem);
  const bad = (why: string): never => {
    throw new IngressError('E_PKI', `the signer returned an unusable certificate: ${why}`);
  };
  if (!cert.subjectName.getField('CN').includes(name)) bad(`subject is ${cert.subject}, expected CN=${name}`);
  const theirs = Buffer.from(cert.publicKey.rawData);
  if (!theirs.equals(Buffer.from(publicKey.rawData))) bad('it is not for the key made here');
  if (cert.notAfter.getTime() <= now.getTime()) bad(`it expired at ${cert.notAfter.toISOString()}`);
  if ((await caIds(cert, bundlePem)).issuer === undefined) bad('no CA of the trust bundle signed it');
  return cert;
}

const pemLines = (pem: string): string =>
  pem
    .replace(/\r/g, '')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .join('\n');

/**
 * node.pem first (the commit point: certificate + key, 0600, no blank line since one
 * would cut a runtime API payload short), then the node.crt and node.key copies.
 */
export async function writeIdentity(paths: NodePkiPaths, certPem: string, keyPem: string): Promise<void> {
  const cert = pemLines(certPem);
  const key = pemLines(keyPem);
  await writeFileAtomic(paths.combinedPem, `${cert}\n${key}\n`, 0o600);
  await writeFileAtomic(join(paths.dir, 'node.crt'), `${cert}\n`, 0o644);
  await writeFileAtomic(join(paths.dir, 'node.key'), `${key}\n`, 0o600);
}
