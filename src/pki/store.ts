import { statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { x509 } from './x509.js';
import { IngressError } from '../errors.js';
import type { KeyType } from './crypto.js';
import { ensureDir, symlinkAtomic, writeFileAtomic } from '../fs/atomic.js';
import { withLock, type LockOptions } from './lock.js';

export type Usage = 'server-client' | 'client' | 'server';

export interface RevokedEntry {
  serial: string;
  name: string;
  caId: string;
  revokedAt: string;
  /** Kept until then: an expired certificate need not stay on the CRL. */
  notAfter: string;
}

/** state.json: the commit point of every mutation. CA material under cas/<id>/ is immutable. */
export interface PkiState {
  version: 1;
  currentCa: string;
  /** Older CAs still trusted (newest first) while certificates they issued are alive. */
  previousCas: string[];
  nextSerial: number;
  crlNumber: number;
  crlValidityDays: number;
  revoked: RevokedEntry[];
}

export interface IssuedRecord {
  name: string;
  serial: string;
  subject: string;
  sans: string[];
  notBefore: string;
  notAfter: string;
  usage: Usage;
  keyType: KeyType;
  caId: string;
  issuedAt: string;
  revoked: { at: string } | null;
}

export interface CaMaterial {
  id: string;
  cert: x509.X509Certificate;
  certPem: string;
  keyPem: string;
}

export const STATE_DIR_NAME = join('.ingress-state', 'pki');

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * --state-dir wins; otherwise the folder sits inside a folder inventory (so two
 * sites in inventories/ never share a CA), beside a file inventory, or in the
 * working folder. The loader skips dot folders, so it never reads it as inventory.
 */
export function resolveStateDir(options: {
  stateDir?: string;
  inventoryPath?: string;
  cwd?: string;
}): string {
  const cwd = options.cwd ?? process.cwd();
  if (options.stateDir) return resolve(cwd, options.stateDir);
  if (options.inventoryPath) {
    const inventory = resolve(cwd, options.inventoryPath);
    return join(isFolder(inventory) ? inventory : dirname(inventory), STATE_DIR_NAME);
  }
  return resolve(cwd, STATE_DIR_NAME);
}

export const paths = {
  state: (dir: string) => join(dir, 'state.json'),
  caDir: (dir: string, id: string) => join(dir, 'cas', id),
  caCert: (dir: string, id: string) => join(dir, 'cas', id, 'ca.crt'),
  caKey: (dir: string, id: string) => join(dir, 'cas', id, 'ca.key'),
  currentCert: (dir: string) => join(dir, 'ca.crt'),
  currentKey: (dir: string) => join(dir, 'ca.key'),
  bundle: (dir: string) => join(dir, 'trust-bundle.pem'),
  crl: (dir: string) => join(dir, 'crl.pem'),
  issuedDir: (dir: string) => join(dir, 'issued'),
  issuedJson: (dir: string, name: string) => join(dir, 'issued', `${name}.json`),
  issuedCert: (dir: string, name: string) => join(dir, 'issued', `${name}.crt`),
};

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/;

/** Certificate names become file names and openssl subjects, so they are kept to a safe alphabet. */
export function assertCertName(name: string, field = 'name'): void {
  if (!NAME.test(name) || name.includes('..')) {
    throw new IngressError('E_VALIDATION', `invalid certificate name "${name}" (letters, digits, . _ -)`, {
      location: { file: '<command line>', field },
    });
  }
}

/** Creates the folder tree (0700) and takes the lock; fn must read state itself, inside the lock. */
export async function mutate<T>(stateDir: string, fn: () => Promise<T>, options?: LockOptions): Promise<T> {
  await ensureDir(stateDir);
  await ensureDir(paths.issuedDir(stateDir));
  return withLock(stateDir, fn, options);
}

export async function readState(stateDir: string): Promise<PkiState | undefined> {
  let text: string;
  try {
    text = await readFile(paths.state(stateDir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new IngressError('E_PKI', `cannot read PKI state in ${stateDir}`, { cause: err });
  }
  try {
    return JSON.parse(text) as PkiState;
  } catch (cause) {
    throw new IngressError('E_PKI', 'PKI state is not valid JSON', {
      cause,
      location: { file: paths.state(stateDir) },
    });
  }
}

export async function requireState(stateDir: string): Promise<PkiState> {
  const state = await readState(stateDir);
  if (!state) throw new IngressError('E_PKI', `no CA in ${stateDir}; run "ingress ca init" first`);
  return state;
}

export async function writeState(stateDir: string, state: PkiState): Promise<void> {
  await writeFileAtomic(paths.state(stateDir), `${JSON.stringify(state, null, 2)}\n`, 0o600);
}

export async function writeCaMaterial(stateDir: string, material: Omit<CaMaterial, 'cert'>): Promise<void> {
  await ensureDir(paths.caDir(stateDir, material.id));
  await writeFileAtomic(paths.caKey(stateDir, material.id), material.keyPem, 0o600);
  await writeFileAtomic(paths.caCert(stateDir, material.id), material.certPem, 0o644);
}

export async function readCa(stateDir: string, id: string): Promise<CaMaterial> {
  const certPem = await readFile(paths.caCert(stateDir, id), 'utf8');
  const keyPem = await readFile(paths.caKey(stateDir, id), 'utf8');
  return { id, cert: new x509.X509Certificate(certPem), certPem, keyPem };
}

export async function readCaCert(stateDir: string, id: string): Promise<x509.X509Certificate> {
  return new x509.X509Certificate(await readFile(paths.caCert(stateDir, id), 'utf8'));
}

/** Current CA first, then the previous ones: what every node trusts. */
export async function trustBundlePem(stateDir: string, state: PkiState): Promise<string> {
  const ids = [state.currentCa, ...state.previousCas];
  const pems = await Promise.all(ids.map((id) => readFile(paths.caCert(stateDir, id), 'utf8')));
  return pems.map((pem) => pem.trim()).join('\n') + '\n';
}

/**
 * Rewrites the derived files after a commit of state.json: ca.crt, the ca.key link
 * (no second copy of the secret) and trust-bundle.pem. Idempotent, so a crash between
 * commit and publish is repaired by the next mutation.
 */
export async function publish(stateDir: string, state: PkiState, crlPem?: string): Promise<void> {
  const current = await readFile(paths.caCert(stateDir, state.currentCa), 'utf8');
  await writeFileAtomic(paths.currentCert(stateDir), current, 0o644);
  await symlinkAtomic(join('cas', state.currentCa, 'ca.key'), paths.currentKey(stateDir));
  await writeFileAtomic(paths.bundle(stateDir), await trustBundlePem(stateDir, state), 0o644);
  if (crlPem !== undefined) await writeFileAtomic(paths.crl(stateDir), crlPem, 0o644);
}

export async function readIssued(stateDir: string, name: string): Promise<IssuedRecord | undefined> {
  try {
    return JSON.parse(await readFile(paths.issuedJson(stateDir, name), 'utf8')) as IssuedRecord;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new IngressError('E_PKI', `cannot read issuance record of ${name}`, { cause: err });
  }
}

export async function listIssued(stateDir: string): Promise<IssuedRecord[]> {
  const files = await readdir(paths.issuedDir(stateDir)).catch(() => [] as string[]);
  const names = files.filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length));
  const records = await Promise.all(names.sort().map((name) => readIssued(stateDir, name)));
  return records.filter((r): r is IssuedRecord => r !== undefined);
}

/** Certificate first, record second: a record always points at a certificate on disk. */
export async function writeIssued(stateDir: string, record: IssuedRecord, certPem: string): Promise<void> {
  await writeFileAtomic(paths.issuedCert(stateDir, record.name), certPem, 0o644);
  await writeFileAtomic(
    paths.issuedJson(stateDir, record.name),
    `${JSON.stringify(record, null, 2)}\n`,
    0o644,
  );
}

export async function readIssuedCertPem(stateDir: string, name: string): Promise<string> {
  return readFile(paths.issuedCert(stateDir, name), 'utf8');
}
