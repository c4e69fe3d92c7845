import { readFile } from 'node:fs/promises';
import { IngressError } from '../errors.js';
import { importPrivateKeyPem, keyAlgorithm, normalizeSerial } from './crypto.js';
import {
  mutate,
  paths,
  publish,
  readCa,
  readIssued,
  requireState,
  writeIssued,
  writeState,
} from './store.js';
import type { PkiState } from './store.js';
import { readIssuedCertPem } from './store.js';
import { x509 } from './x509.js';

const DAY_MS = 86_400_000;
const CRL_NUMBER_OID = '2.5.29.20';

/** DER INTEGER for the CRL Number extension (RFC 5280 5.2.3); the library has no class for it. */
function derInteger(value: number): Uint8Array {
  const bytes: number[] = [];
  for (let n = value; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  if (bytes.length === 0 || (bytes[0] ?? 0) >= 0x80) bytes.unshift(0);
  return new Uint8Array([0x02, bytes.length, ...bytes]);
}

/**
 * One CRL per trusted CA. OpenSSL (and so HAProxy, which sets X509_V_FLAG_CRL_CHECK
 * and CRL_CHECK_ALL when a crl-file is configured) rejects a client certificate with
 * "unable to get certificate CRL" when no CRL from its issuer is loaded; so while an
 * old CA is still in the trust bundle, its CRL must be in crl.pem too. The CRL number
 * is shared and increases with every generation.
 */
export async function buildCrls(
  stateDir: string,
  state: PkiState,
  now: Date,
): Promise<{ pem: string; state: PkiState }> {
  const crlNumber = state.crlNumber + 1;
  const live = state.revoked.filter((entry) => new Date(entry.notAfter).getTime() > now.getTime());
  const pems: string[] = [];
  for (const id of [state.currentCa, ...state.previousCas]) {
    const ca = await readCa(stateDir, id);
    const { key, keyType } = await importPrivateKeyPem(ca.keyPem);
    const crl = await x509.X509CrlGenerator.create({
      issuer: ca.cert.subjectName,
      thisUpdate: now,
      nextUpdate: new Date(now.getTime() + state.crlValidityDays * DAY_MS),
      signingAlgorithm: keyAlgorithm(keyType),
      signingKey: key,
      extensions: [
        await x509.AuthorityKeyIdentifierExtension.create(ca.cert.publicKey),
        new x509.Extension(CRL_NUMBER_OID, false, derInteger(crlNumber)),
      ],
      entries: live
        .filter((entry) => entry.caId === id)
        .map((entry) => ({ serialNumber: entry.serial, revocationDate: new Date(entry.revokedAt) })),
    });
    // The library labels PEM "CRL"; OpenSSL and HAProxy only read "X509 CRL".
    pems.push(x509.PemConverter.encode(crl.rawData, 'X509 CRL'));
  }
  // Entries past their notAfter are dropped from state too, so the list cannot grow forever.
  return { pem: `${pems.join('\n')}\n`, state: { ...state, crlNumber, revoked: live } };
}

/**
 * The maintenance loop refreshes a CRL once half of its window has passed, so nodes
 * have the other half to pull it before HAProxy starts rejecting on an expired CRL.
 */
export function crlNeedsRefresh(
  crl: { thisUpdate: Date; nextUpdate?: Date },
  now: Date,
  fraction = 0.5,
): boolean {
  if (!crl.nextUpdate) return true;
  const window = crl.nextUpdate.getTime() - crl.thisUpdate.getTime();
  return now.getTime() >= crl.thisUpdate.getTime() + window * fraction;
}

/** Parses crl.pem (one CRL per trusted CA). */
export async function readCrls(stateDir: string): Promise<x509.X509Crl[]> {
  const text = await readFile(paths.crl(stateDir), 'utf8').catch(() => '');
  const blocks = text.match(/-----BEGIN X509 CRL-----[\s\S]+?-----END X509 CRL-----/g) ?? [];
  return blocks.map((pem) => new x509.X509Crl(pem));
}

/** Regenerates crl.pem (and republishes the bundle); run by `ingress ca crl` and the maintenance loop. */
export async function refreshCrl(options: {
  stateDir: string;
  now?: Date;
  validityDays?: number;
}): Promise<string> {
  const now = options.now ?? new Date();
  return mutate(options.stateDir, async () => {
    const state = await requireState(options.stateDir);
    const base = options.validityDays ? { ...state, crlValidityDays: options.validityDays } : state;
    const crl = await buildCrls(options.stateDir, base, now);
    await writeState(options.stateDir, crl.state);
    await publish(options.stateDir, crl.state, crl.pem);
    return crl.pem;
  });
}

/** Marks the certificate issued under `name` revoked and writes a fresh CRL. */
export async function revoke(options: { stateDir: string; name: string; now?: Date }): Promise<string> {
  const now = options.now ?? new Date();
  return mutate(options.stateDir, async () => {
    const state = await requireState(options.stateDir);
    const record = await readIssued(options.stateDir, options.name);
    if (!record)
      throw new IngressError('E_PKI', `no certificate was issued under the name "${options.name}"`);
    const serial = normalizeSerial(record.serial);
    const revoked = state.revoked.some((entry) => entry.caId === record.caId && entry.serial === serial)
      ? state.revoked
      : [
          ...state.revoked,
          {
            serial,
            name: record.name,
            caId: record.caId,
            revokedAt: now.toISOString(),
            notAfter: record.notAfter,
          },
        ];
    const crl = await buildCrls(options.stateDir, { ...state, revoked }, now);
    // Commit the revocation before touching the record: state.json is what the CRL is built from.
    await writeState(options.stateDir, crl.state);
    const certPem = await readIssuedCertPem(options.stateDir, record.name);
    await writeIssued(
      options.stateDir,
      { ...record, revoked: record.revoked ?? { at: now.toISOString() } },
      certPem,
    );
    await publish(options.stateDir, crl.state, crl.pem);
    return crl.pem;
  });
}
