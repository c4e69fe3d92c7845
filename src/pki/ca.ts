import { randomBytes } from 'node:crypto';
import { IngressError } from '../errors.js';
import {
  exportPrivateKeyPem,
  fingerprintHex,
  generateKeyPair,
  keyAlgorithm,
  type KeyType,
} from './crypto.js';
import { buildCrls } from './crl.js';
import {
  mutate,
  publish,
  readCa,
  readState,
  writeCaMaterial,
  writeState,
  type CaMaterial,
  type PkiState,
} from './store.js';
import { x509 } from './x509.js';

export const DEFAULT_CA_NAME = 'ingress internal CA';
export const DEFAULT_CA_VALIDITY_DAYS = 3650;
export const DEFAULT_CRL_VALIDITY_DAYS = 7;
const DAY_MS = 86_400_000;

export interface InitCaOptions {
  stateDir: string;
  name?: string;
  keyType: KeyType;
  validityDays?: number;
  crlValidityDays?: number;
  /** Replace an existing CA (its certificates stop verifying). */
  force?: boolean;
  now?: Date;
}

export interface NewCaOptions {
  name: string;
  keyType: KeyType;
  validityDays: number;
  now: Date;
}

/**
 * A self-signed CA with pathlen 0 (it signs leaves only). Each CA gets a distinct
 * subject so that, during a rotation, OpenSSL and HAProxy never confuse the old and
 * the new CA (or their CRLs), which they look up by issuer name.
 */
export async function createCaCertificate(options: NewCaOptions): Promise<CaMaterial> {
  if (!/^[A-Za-z0-9 ._-]{1,48}$/.test(options.name)) {
    throw new IngressError('E_VALIDATION', `invalid CA name "${options.name}"`, {
      location: { file: '<command line>', field: 'name' },
    });
  }
  const keys = await generateKeyPair(options.keyType);
  const tag = randomBytes(3).toString('hex');
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString('hex'),
    name: `CN=${options.name} ${options.now.toISOString().slice(0, 10)} ${tag}`,
    notBefore: new Date(options.now.getTime() - 5 * 60_000),
    notAfter: new Date(options.now.getTime() + options.validityDays * DAY_MS),
    signingAlgorithm: keyAlgorithm(options.keyType),
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const id = (await fingerprintHex(cert)).slice(0, 16);
  return { id, cert, certPem: cert.toString('pem'), keyPem: await exportPrivateKeyPem(keys.privateKey) };
}

/** Creates the CA, an empty CRL and the published files; refuses to replace a CA unless forced. */
export async function initCa(options: InitCaOptions): Promise<CaMaterial> {
  const now = options.now ?? new Date();
  return mutate(options.stateDir, async () => {
    const existing = await readState(options.stateDir);
    if (existing && !options.force) {
      throw new IngressError(
        'E_PKI',
        `a CA already exists in ${options.stateDir} (use --force to replace it)`,
      );
    }
    const ca = await createCaCertificate({
      name: options.name ?? DEFAULT_CA_NAME,
      keyType: options.keyType,
      validityDays: options.validityDays ?? DEFAULT_CA_VALIDITY_DAYS,
      now,
    });
    await writeCaMaterial(options.stateDir, ca);
    const state: PkiState = {
      version: 1,
      currentCa: ca.id,
      previousCas: [],
      nextSerial: existing?.nextSerial ?? 1,
      crlNumber: existing?.crlNumber ?? 0,
      crlValidityDays: options.crlValidityDays ?? existing?.crlValidityDays ?? DEFAULT_CRL_VALIDITY_DAYS,
      revoked: [],
    };
    const crl = await buildCrls(options.stateDir, state, now);
    await writeState(options.stateDir, crl.state);
    await publish(options.stateDir, crl.state, crl.pem);
    return ca;
  });
}

/** The current CA with its key, for signing. */
export async function currentCa(stateDir: string, state: PkiState): Promise<CaMaterial> {
  return readCa(stateDir, state.currentCa);
}
