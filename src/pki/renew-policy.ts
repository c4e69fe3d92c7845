import { normalizeSerial } from './crypto.js';
import { renewalReasons, type RenewalReason } from './renewal.js';
import { assertCertName, type IssuedRecord, type RevokedEntry, type Usage } from './store.js';

/**
 * The signer's and the agent's decisions, pure: what the signer lets a client do, how
 * often, and when an agent asks. The clock is always supplied by the caller.
 */

/** Who the TLS layer authenticated (chain and validity are already verified there). */
export interface ClientIdentity {
  /** The subject CN of the client certificate: the only name it may renew. */
  cn: string | undefined;
  serial: string;
}

export type Authorization =
  | { ok: true; name: string; sans: string[]; usage: Usage; superseded: boolean }
  | { ok: false; status: 403; reason: string };

/**
 * A client may renew the name in its own certificate, with the names the controller
 * recorded (never wider), unless that certificate or the name is revoked. An older,
 * still valid certificate of the same name may renew too (the answer to its last
 * request may have been lost), so revocation marks the whole name in the record.
 */
export function authorizeClient(
  client: ClientIdentity,
  record: IssuedRecord | undefined,
  revoked: readonly RevokedEntry[],
): Authorization {
  const refuse = (reason: string): Authorization => ({ ok: false, status: 403, reason });
  const cn = client.cn;
  if (!usableName(cn)) return refuse('client certificate has no usable CN');
  if (!record) return refuse(`unknown client ${cn}: no certificate was issued under this name`);
  const serial = normalizeSerial(client.serial);
  if (revoked.some((entry) => normalizeSerial(entry.serial) === serial)) {
    return refuse(`certificate ${serial} of ${cn} is revoked`);
  }
  if (record.revoked)
    return refuse(`${cn} is revoked (since ${record.revoked.at}); re-enroll with ingress up`);
  return {
    ok: true,
    name: cn,
    sans: [...record.sans],
    usage: record.usage,
    superseded: normalizeSerial(record.serial) !== serial,
  };
}

/** The CN becomes a file name in the state folder, so it is checked before any lookup. */
export function usableName(cn: string | undefined): cn is string {
  if (!cn) return false;
  try {
    assertCertName(cn);
    return true;
  } catch {
    return false;
  }
}

export interface RateLimit {
  max: number;
  windowMs: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { max: 6, windowMs: 3_600_000 };

/** A sliding window of accepted requests per name; nothing is recorded for refused ones. */
export class RenewRateLimiter {
  private readonly seen = new Map<string, number[]>();

  constructor(private readonly limit: RateLimit = DEFAULT_RATE_LIMIT) {}

  /** Records the attempt when allowed; otherwise says how long to wait. */
  take(name: string, nowMs: number): { ok: true } | { ok: false; retryAfterMs: number } {
    const recent = (this.seen.get(name) ?? []).filter((t) => nowMs - t < this.limit.windowMs);
    const oldest = recent[0];
    if (recent.length >= this.limit.max && oldest !== undefined) {
      this.seen.set(name, recent);
      return { ok: false, retryAfterMs: oldest + this.limit.windowMs - nowMs };
    }
    this.seen.set(name, [...recent, nowMs]);
    return { ok: true };
  }
}

export interface AgentCertView {
  notBefore: Date;
  notAfter: Date;
  /** Fingerprint of the trusted CA that signed the certificate, or undefined if none did. */
  issuerCaId: string | undefined;
}

export interface AgentDecision {
  due: boolean;
  reasons: RenewalReason[];
}

/** The agent renews at the lifetime mark, when expired, or when its issuer is no longer the current CA. */
export function decideRenewal(
  cert: AgentCertView,
  currentCaId: string,
  now: Date,
  fraction?: number,
): AgentDecision {
  const reasons = renewalReasons({
    cert: { ...cert, issuerCaId: cert.issuerCaId ?? 'unknown', revoked: false, sans: [] },
    currentCaId,
    now,
    ...(fraction === undefined ? {} : { fraction }),
  });
  return { due: reasons.length > 0, reasons };
}

export function describeReason(reason: RenewalReason): string {
  switch (reason.code) {
    case 'lifetime':
      return `renewal was due at ${reason.dueAt.toISOString()}`;
    case 'expired':
      return `expired at ${reason.at.toISOString()}`;
    case 'issuer-not-current':
      return `issued by CA ${reason.issuerCaId.slice(0, 12)}, current is ${reason.currentCaId.slice(0, 12)}`;
    case 'missing':
    case 'revoked':
    case 'sans-changed':
      return reason.code;
  }
}
