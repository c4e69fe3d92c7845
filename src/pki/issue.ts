import { quote } from 'shlex';
import { IngressError } from '../errors.js';
import {
  exportPrivateKeyPem,
  generateKeyPair,
  importPrivateKeyPem,
  keyAlgorithm,
  serialHex,
} from './crypto.js';
import type { KeyType } from './crypto.js';
import { parseSans, sanKey, sansFromExtensions, sanText, toGeneralNames, type San } from './san.js';
import {
  assertCertName,
  mutate,
  readCa,
  requireState,
  trustBundlePem,
  writeIssued,
  writeState,
} from './store.js';
import type { IssuedRecord, Usage } from './store.js';
import { x509 } from './x509.js';

export const DEFAULT_LIFETIME_DAYS = 30;
const DAY_MS = 86_400_000;
/** Backdating absorbs small clock differences between the controller and the nodes. */
const BACKDATE_MS = 5 * 60_000;

export interface SignCsrOptions {
  stateDir: string;
  csrPem: string;
  name: string;
  /** The SANs the controller allows (from the inventory); the certificate carries exactly these. */
  sans: readonly string[];
  lifetimeDays?: number;
  /** Wins over lifetimeDays; for short-lived test certificates. */
  lifetimeSeconds?: number;
  usage?: Usage;
  now?: Date;
}

export interface IssuedCertificate {
  certPem: string;
  /** Every CA the nodes should trust (current first). */
  caBundlePem: string;
  record: IssuedRecord;
}

function csrError(message: string, cause?: unknown): IngressError {
  return new IngressError('E_VALIDATION', message, { cause, location: { file: '<csr>', field: 'csr' } });
}

export function csrKeyType(publicKey: x509.PublicKey): KeyType {
  const algorithm = publicKey.algorithm as { name: string; namedCurve?: string; modulusLength?: number };
  if (algorithm.name === 'ECDSA' && algorithm.namedCurve === 'P-256') return 'ecdsa-p256';
  if (algorithm.name === 'RSASSA-PKCS1-v1_5' && algorithm.modulusLength === 2048) return 'rsa-2048';
  if (algorithm.name === 'RSASSA-PKCS1-v1_5' && algorithm.modulusLength === 3072) return 'rsa-3072';
  throw csrError(
    `CSR key ${algorithm.name} ${algorithm.namedCurve ?? algorithm.modulusLength ?? ''} is not allowed`,
  );
}

/**
 * The controller decides the names; a CSR may name a subset (typically just CN=name)
 * but never anything else. Pure, so the policy is testable without a CA.
 */
export function checkCsrNames(
  requested: { cn: string[]; sans: San[]; other: string[] },
  name: string,
  allowed: San[],
): void {
  const allowedKeys = new Set(allowed.map(sanKey));
  if (requested.other.length > 0)
    throw csrError(`CSR asks for names of unsupported types: ${requested.other.join(', ')}`);
  const extra = requested.sans.filter((san) => !allowedKeys.has(sanKey(san))).map(sanText);
  if (extra.length > 0) throw csrError(`CSR asks for names not allowed for ${name}: ${extra.join(', ')}`);
  for (const cn of requested.cn) {
    const lower = cn.toLowerCase();
    if (lower !== name.toLowerCase() && !allowed.some((san) => san.value === lower)) {
      throw csrError(`CSR subject CN=${cn} is neither ${name} nor one of its allowed names`);
    }
  }
}

function usageExtensions(usage: Usage, rsa: boolean): x509.Extension[] {
  const flags = x509.KeyUsageFlags.digitalSignature | (rsa ? x509.KeyUsageFlags.keyEncipherment : 0);
  const eku = {
    'server-client': [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth],
    server: [x509.ExtendedKeyUsage.serverAuth],
    client: [x509.ExtendedKeyUsage.clientAuth],
  }[usage];
  return [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(flags, true),
    new x509.ExtendedKeyUsageExtension(eku, false),
  ];
}

async function parseCsr(csrPem: string): Promise<x509.Pkcs10CertificateRequest> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(csrPem);
  } catch (cause) {
    throw csrError('not a PEM certificate signing request', cause);
  }
  if (!(await csr.verify())) throw csrError('CSR signature does not verify');
  return csr;
}

/** The request, checked before the CA is touched: name, SANs, lifetime, CSR signature and key. */
async function checkedRequest(options: SignCsrOptions) {
  const lifetimeMs =
    options.lifetimeSeconds !== undefined
      ? options.lifetimeSeconds * 1000
      : (options.lifetimeDays ?? DEFAULT_LIFETIME_DAYS) * DAY_MS;
  assertCertName(options.name);
  const sans = parseSans(options.sans);
  if (sans.length === 0) throw new IngressError('E_VALIDATION', `no SAN given for ${options.name}`);
  if (!(lifetimeMs > 0))
    throw new IngressError('E_VALIDATION', `lifetime must be positive, got ${lifetimeMs / 1000} s`);
  const csr = await parseCsr(options.csrPem);
  const keyType = csrKeyType(csr.publicKey);
  checkCsrNames(
    { cn: csr.subjectName.getField('CN'), ...sansFromExtensions(csr.extensions) },
    options.name,
    sans,
  );
  return { lifetimeMs, sans, csr, keyType };
}

/** Signs a CSR with the current CA after checking its signature, key and names; records the issuance. */
export async function signCsr(options: SignCsrOptions): Promise<IssuedCertificate> {
  const now = options.now ?? new Date();
  const usage = options.usage ?? 'server-client';
  const { lifetimeMs, sans, csr, keyType } = await checkedRequest(options);
  return mutate(options.stateDir, async () => {
    const state = await requireState(options.stateDir);
    const ca = await readCa(options.stateDir, state.currentCa);
    const serial = serialHex(state.nextSerial);
    // Commit the counter first: a crash afterwards skips a serial instead of reusing one.
    await writeState(options.stateDir, { ...state, nextSerial: state.nextSerial + 1 });
    const { key: caKey, keyType: caKeyType } = await importPrivateKeyPem(ca.keyPem);
    // A tenth of the life at most, so the two-thirds mark of a short-lived certificate stays ahead.
    const notBefore = new Date(now.getTime() - Math.min(BACKDATE_MS, lifetimeMs / 10));
    // A leaf never outlives its CA: past that it could not verify anyway.
    const notAfter = new Date(Math.min(now.getTime() + lifetimeMs, ca.cert.notAfter.getTime()));
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial,
      subject: `CN=${options.name}`,
      issuer: ca.cert.subjectName,
      notBefore,
      notAfter,
      publicKey: csr.publicKey,
      signingKey: caKey,
      signingAlgorithm: keyAlgorithm(caKeyType),
      extensions: [
        ...usageExtensions(usage, keyType !== 'ecdsa-p256'),
        new x509.SubjectAlternativeNameExtension(toGeneralNames(sans), false),
        await x509.SubjectKeyIdentifierExtension.create(csr.publicKey),
        await x509.AuthorityKeyIdentifierExtension.create(ca.cert.publicKey),
      ],
    });
    const record: IssuedRecord = {
      name: options.name,
      serial,
      subject: cert.subject,
      sans: sans.map(sanText),
      notBefore: notBefore.toISOString(),
      notAfter: notAfter.toISOString(),
      usage,
      keyType,
      caId: ca.id,
      issuedAt: now.toISOString(),
      revoked: null,
    };
    const certPem = cert.toString('pem');
    await writeIssued(options.stateDir, record, certPem);
    return { certPem, caBundlePem: await trustBundlePem(options.stateDir, state), record };
  });
}

export interface IssueLocalOptions extends Omit<SignCsrOptions, 'csrPem'> {
  keyType?: KeyType;
}

/** Operator issuance: the key is made here (for hosts the runner does not manage). */
export async function issueWithLocalKey(
  options: IssueLocalOptions,
): Promise<IssuedCertificate & { keyPem: string }> {
  const keyType = options.keyType ?? 'ecdsa-p256';
  assertCertName(options.name);
  const keys = await generateKeyPair(keyType);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: `CN=${options.name}`,
    keys,
    signingAlgorithm: keyAlgorithm(keyType),
  });
  const issued = await signCsr({ ...options, csrPem: csr.toString('pem') });
  return { ...issued, keyPem: await exportPrivateKeyPem(keys.privateKey) };
}

export interface CsrCommandOptions {
  name: string;
  keyPath: string;
  /** Where the CSR goes; standard output when omitted, so the runner can read it from exec. */
  csrPath?: string;
  keyType?: KeyType;
}

/**
 * The shell command a node runs to make its own key and CSR; only the CSR leaves the
 * host. umask 077 makes the key 0600 from its first byte.
 */
export function csrCommand(options: CsrCommandOptions): string {
  assertCertName(options.name);
  const keyType = options.keyType ?? 'ecdsa-p256';
  const newkey =
    keyType === 'ecdsa-p256'
      ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']
      : ['-newkey', keyType === 'rsa-2048' ? 'rsa:2048' : 'rsa:3072'];
  const args = ['openssl', 'req', '-new', ...newkey, '-nodes', '-keyout', options.keyPath];
  if (options.csrPath) args.push('-out', options.csrPath);
  args.push('-subj', `/CN=${options.name}`);
  return `umask 077 && ${args.map((arg) => quote(arg)).join(' ')}`;
}
