import { createPrivateKey, webcrypto } from 'node:crypto';
import { x509 } from './x509.js';
import { IngressError } from '../errors.js';

export type KeyType = 'ecdsa-p256' | 'rsa-2048' | 'rsa-3072';
export const KEY_TYPES: readonly KeyType[] = ['ecdsa-p256', 'rsa-2048', 'rsa-3072'];

type KeyAlgorithm = webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams;
type CryptoKey = webcrypto.CryptoKey;
const subtle = webcrypto.subtle;

/** WebCrypto parameters for a key type; the same object serves keygen, import and signing. */
export function keyAlgorithm(keyType: KeyType): KeyAlgorithm & { hash: string } {
  switch (keyType) {
    case 'ecdsa-p256':
      return { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    case 'rsa-2048':
    case 'rsa-3072':
      return {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: keyType === 'rsa-2048' ? 2048 : 3072,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      };
  }
}

export function parseKeyType(value: string, field = 'key-type'): KeyType {
  if ((KEY_TYPES as readonly string[]).includes(value)) return value as KeyType;
  throw new IngressError('E_USAGE', `unknown key type "${value}" (expected ${KEY_TYPES.join(', ')})`, {
    location: { file: '<command line>', field },
  });
}

export async function generateKeyPair(keyType: KeyType): Promise<webcrypto.CryptoKeyPair> {
  return (await subtle.generateKey(keyAlgorithm(keyType), true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
}

export async function exportPrivateKeyPem(key: CryptoKey): Promise<string> {
  const der = await subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

/** Loads a PKCS#8 (or legacy PEM) private key; the algorithm is read from the key itself. */
export async function importPrivateKeyPem(pem: string): Promise<{ key: CryptoKey; keyType: KeyType }> {
  const keyObject = createPrivateKey(pem);
  const der = keyObject.export({ type: 'pkcs8', format: 'der' });
  const details = keyObject.asymmetricKeyDetails;
  let keyType: KeyType;
  if (keyObject.asymmetricKeyType === 'ec' && details?.namedCurve === 'prime256v1') keyType = 'ecdsa-p256';
  else if (keyObject.asymmetricKeyType === 'rsa' && details?.modulusLength === 2048) keyType = 'rsa-2048';
  else if (keyObject.asymmetricKeyType === 'rsa' && details?.modulusLength === 3072) keyType = 'rsa-3072';
  else throw new IngressError('E_PKI', `unsupported private key type ${keyObject.asymmetricKeyType ?? '?'}`);
  const key = await subtle.importKey('pkcs8', der, keyAlgorithm(keyType), false, ['sign']);
  return { key, keyType };
}

/** Key type of a certificate's or CSR's public key, for choosing key usages. */
export function publicKeyIsRsa(publicKey: x509.PublicKey): boolean {
  return publicKey.algorithm.name.startsWith('RSA');
}

/** Lower-case hex SHA-256 fingerprint, used as a stable CA id. */
export async function fingerprintHex(cert: x509.X509Certificate): Promise<string> {
  return Buffer.from(await cert.getThumbprint('SHA-256')).toString('hex');
}

/** Serial numbers are hex; a leading 00 keeps them positive when the top bit is set (RFC 5280 4.1.2.2). */
export function serialHex(counter: number): string {
  let hex = counter.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return /^[89a-f]/.test(hex) ? `00${hex}` : hex;
}

export function normalizeSerial(hex: string): string {
  return hex.toLowerCase().replace(/^(00)+(?=.)/, '');
}
