import { parseSans, sameSans, sanKey, sanText } from './san.js';

/** The renewal policy, pure: the caller supplies the clock. */
export const DEFAULT_RENEWAL_FRACTION = 2 / 3;

export interface CertWindow {
  notBefore: Date;
  notAfter: Date;
}

export type RenewalReason =
  | { code: 'missing' }
  | { code: 'lifetime'; dueAt: Date }
  | { code: 'expired'; at: Date }
  | { code: 'issuer-not-current'; issuerCaId: string; currentCaId: string }
  | { code: 'revoked' }
  | { code: 'sans-changed'; missing: string[]; extra: string[] };

/** The moment `fraction` of the certificate's life has passed. */
export function nextRenewalAt(cert: CertWindow, fraction = DEFAULT_RENEWAL_FRACTION): Date {
  const lifeMs = cert.notAfter.getTime() - cert.notBefore.getTime();
  return new Date(cert.notBefore.getTime() + Math.floor(lifeMs * fraction));
}

export function renewalDue(cert: CertWindow, now: Date, fraction = DEFAULT_RENEWAL_FRACTION): boolean {
  return now.getTime() >= nextRenewalAt(cert, fraction).getTime();
}

export interface RenewalInput {
  /** What is issued now, or undefined if nothing is. */
  cert?: CertWindow & { issuerCaId: string; revoked: boolean; sans: readonly string[] };
  currentCaId: string;
  /** The SANs the inventory wants; omitted when unknown (no SAN check). */
  wantedSans?: readonly string[];
  now: Date;
  fraction?: number;
}

/** Every reason to renew, as data; empty means the certificate is fine. */
export function renewalReasons(input: RenewalInput): RenewalReason[] {
  const { cert, now } = input;
  if (!cert) return [{ code: 'missing' }];
  const reasons: RenewalReason[] = [];
  if (now.getTime() >= cert.notAfter.getTime()) reasons.push({ code: 'expired', at: cert.notAfter });
  else if (renewalDue(cert, now, input.fraction)) {
    reasons.push({ code: 'lifetime', dueAt: nextRenewalAt(cert, input.fraction) });
  }
  if (cert.issuerCaId !== input.currentCaId) {
    reasons.push({ code: 'issuer-not-current', issuerCaId: cert.issuerCaId, currentCaId: input.currentCaId });
  }
  if (cert.revoked) reasons.push({ code: 'revoked' });
  if (input.wantedSans) {
    const have = parseSans(cert.sans);
    const want = parseSans(input.wantedSans);
    if (!sameSans(have, want)) {
      const haveKeys = new Set(have.map(sanKey));
      const wantKeys = new Set(want.map(sanKey));
      reasons.push({
        code: 'sans-changed',
        missing: want.filter((san) => !haveKeys.has(sanKey(san))).map(sanText),
        extra: have.filter((san) => !wantKeys.has(sanKey(san))).map(sanText),
      });
    }
  }
  return reasons;
}
