import { describe, expect, it } from 'vitest';
import {
  authorizeClient,
  decideRenewal,
  describeReason,
  RenewRateLimiter,
} from '../../../src/pki/renew-policy.js';
import type { IssuedRecord, RevokedEntry } from '../../../src/pki/store.js';

const DAY = 86_400_000;
const notBefore = new Date('2030-01-01T00:00:00Z');
const cert = { notBefore, notAfter: new Date(notBefore.getTime() + 30 * DAY), issuerCaId: 'ca1' };
const at = (ms: number): Date => new Date(notBefore.getTime() + ms);

describe('the agent decides when to renew (injected clock)', () => {
  it('is not due just before two thirds of the life, and due from that moment on', () => {
    expect(decideRenewal(cert, 'ca1', at(20 * DAY - 1))).toEqual({ due: false, reasons: [] });
    const due = decideRenewal(cert, 'ca1', at(20 * DAY));
    expect(due.due).toBe(true);
    expect(due.reasons).toEqual([{ code: 'lifetime', dueAt: new Date('2030-01-21T00:00:00.000Z') }]);
    expect(due.reasons.map(describeReason)).toEqual(['renewal was due at 2030-01-21T00:00:00.000Z']);
  });

  it('honours another fraction and reports expiry', () => {
    expect(decideRenewal(cert, 'ca1', at(15 * DAY), 0.5).due).toBe(true);
    expect(decideRenewal(cert, 'ca1', at(15 * DAY - 1), 0.5).due).toBe(false);
    const expired = decideRenewal(cert, 'ca1', at(31 * DAY));
    expect(expired.reasons.map(describeReason)).toEqual(['expired at 2030-01-31T00:00:00.000Z']);
  });

  it('renews a fresh certificate whose issuer is no longer the current CA (rotation)', () => {
    const rotated = decideRenewal(cert, 'ca2aaaaaaaaaaaa', at(DAY));
    expect(rotated.reasons.map(describeReason)).toEqual(['issued by CA ca1, current is ca2aaaaaaaaa']);
    const unknown = decideRenewal({ ...cert, issuerCaId: undefined }, 'ca1', at(DAY));
    expect(unknown.reasons).toEqual([
      { code: 'issuer-not-current', issuerCaId: 'unknown', currentCaId: 'ca1' },
    ]);
  });
});

const record: IssuedRecord = {
  name: 'ingress-1',
  serial: '0a',
  subject: 'CN=ingress-1',
  sans: ['ingress-1', '192.0.2.1'],
  notBefore: '2030-01-01T00:00:00.000Z',
  notAfter: '2030-01-31T00:00:00.000Z',
  usage: 'server-client',
  keyType: 'ecdsa-p256',
  caId: 'ca1',
  issuedAt: '2030-01-01T00:00:00.000Z',
  revoked: null,
};
const revokedEntry = (serial: string): RevokedEntry => ({
  serial,
  name: 'ingress-1',
  caId: 'ca1',
  revokedAt: '2030-01-02T00:00:00.000Z',
  notAfter: '2030-01-31T00:00:00.000Z',
});

describe('the signer authorizes a client by its certificate', () => {
  it('grants the CN of the certificate with the recorded names and usage', () => {
    expect(authorizeClient({ cn: 'ingress-1', serial: '0A' }, record, [])).toEqual({
      ok: true,
      name: 'ingress-1',
      sans: ['ingress-1', '192.0.2.1'],
      usage: 'server-client',
      superseded: false,
    });
  });

  it('lets an older unrevoked certificate of the name renew, marked superseded', () => {
    const verdict = authorizeClient({ cn: 'ingress-1', serial: '09' }, record, []);
    expect(verdict).toMatchObject({ ok: true, superseded: true });
  });

  it('refuses an unknown client, a bad CN, a revoked serial and a revoked name', () => {
    expect(authorizeClient({ cn: 'ingress-9', serial: '01' }, undefined, [])).toEqual({
      ok: false,
      status: 403,
      reason: 'unknown client ingress-9: no certificate was issued under this name',
    });
    expect(authorizeClient({ cn: '../state', serial: '01' }, record, [])).toMatchObject({
      ok: false,
      reason: 'client certificate has no usable CN',
    });
    expect(authorizeClient({ cn: undefined, serial: '01' }, record, [])).toMatchObject({ ok: false });
    expect(authorizeClient({ cn: 'ingress-1', serial: '000a' }, record, [revokedEntry('0a')])).toMatchObject({
      ok: false,
      reason: 'certificate 0a of ingress-1 is revoked',
    });
    const revokedRecord = { ...record, serial: '0b', revoked: { at: '2030-01-02T00:00:00.000Z' } };
    expect(authorizeClient({ cn: 'ingress-1', serial: '09' }, revokedRecord, [])).toMatchObject({
      ok: false,
      reason: 'ingress-1 is revoked (since 2030-01-02T00:00:00.000Z); re-enroll with ingress up',
    });
  });
});

describe('the per-name rate limit', () => {
  it('allows max renewals per sliding window and says when to retry', () => {
    const limiter = new RenewRateLimiter({ max: 2, windowMs: 60_000 });
    expect(limiter.take('a', 0)).toEqual({ ok: true });
    expect(limiter.take('a', 10_000)).toEqual({ ok: true });
    expect(limiter.take('a', 20_000)).toEqual({ ok: false, retryAfterMs: 40_000 });
    expect(limiter.take('b', 20_000)).toEqual({ ok: true });
    expect(limiter.take('a', 60_000)).toEqual({ ok: true });
    expect(limiter.take('a', 61_000)).toEqual({ ok: false, retryAfterMs: 9_000 });
  });
});
