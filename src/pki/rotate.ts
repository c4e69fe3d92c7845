import { createCaCertificate, DEFAULT_CA_NAME, DEFAULT_CA_VALIDITY_DAYS } from './ca.js';
import { importPrivateKeyPem, type KeyType } from './crypto.js';
import { buildCrls } from './crl.js';
import {
  listIssued,
  mutate,
  publish,
  readCa,
  readCaCert,
  requireState,
  writeCaMaterial,
  writeState,
} from './store.js';
import type { CaMaterial, IssuedRecord, PkiState } from './store.js';

export interface RotateOptions {
  stateDir: string;
  now?: Date;
  /** Defaults to the current CA's key type. */
  keyType?: KeyType;
  validityDays?: number;
}

/** The CA's base name: its CN without the date and tag that make each generation distinct. */
function baseName(subjectCn: string | undefined): string {
  return subjectCn?.replace(/ \d{4}-\d{2}-\d{2} [0-9a-f]{6}$/, '') ?? DEFAULT_CA_NAME;
}

async function commit(stateDir: string, state: PkiState, now: Date): Promise<PkiState> {
  const crl = await buildCrls(stateDir, state, now);
  await writeState(stateDir, crl.state);
  await publish(stateDir, crl.state, crl.pem);
  return crl.state;
}

/**
 * A new CA becomes current; the old one stays in trust-bundle.pem (and keeps signing
 * its own CRL) so certificates it issued keep verifying until they are re-issued.
 */
export async function rotateCa(options: RotateOptions): Promise<{ previous: string; current: CaMaterial }> {
  const now = options.now ?? new Date();
  return mutate(options.stateDir, async () => {
    const state = await requireState(options.stateDir);
    const old = await readCa(options.stateDir, state.currentCa);
    const ca = await createCaCertificate({
      name: baseName(old.cert.subjectName.getField('CN')[0]),
      keyType: options.keyType ?? (await importPrivateKeyPem(old.keyPem)).keyType,
      validityDays: options.validityDays ?? DEFAULT_CA_VALIDITY_DAYS,
      now,
    });
    await writeCaMaterial(options.stateDir, ca);
    const previousCas = [state.currentCa, ...state.previousCas.filter((id) => id !== state.currentCa)];
    await commit(options.stateDir, { ...state, currentCa: ca.id, previousCas }, now);
    return { previous: state.currentCa, current: ca };
  });
}

/** A previous CA is still needed while a certificate it issued (the current record of a name) is alive. */
export function hasLiveCertificates(caId: string, records: readonly IssuedRecord[], now: Date): boolean {
  return records.some((r) => r.caId === caId && !r.revoked && new Date(r.notAfter).getTime() > now.getTime());
}

/** Drops previous CAs that expired or no longer vouch for a live certificate; returns their ids. */
export async function pruneTrustBundle(options: { stateDir: string; now?: Date }): Promise<string[]> {
  const now = options.now ?? new Date();
  return mutate(options.stateDir, async () => {
    const state = await requireState(options.stateDir);
    const records = await listIssued(options.stateDir);
    const dropped: string[] = [];
    for (const id of state.previousCas) {
      const cert = await readCaCert(options.stateDir, id);
      const expired = cert.notAfter.getTime() <= now.getTime();
      if (expired || !hasLiveCertificates(id, records, now)) dropped.push(id);
    }
    if (dropped.length > 0) {
      const previousCas = state.previousCas.filter((id) => !dropped.includes(id));
      await commit(options.stateDir, { ...state, previousCas }, now);
    }
    return dropped;
  });
}
