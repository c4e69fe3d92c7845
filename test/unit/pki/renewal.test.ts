import { describe, expect, it } from 'vitest';
import { nextRenewalAt, renewalDue, renewalReasons } from '../../../src/pki/renewal.js';

const DAY = 86_400_000;
const notBefore = new Date('2030-01-01T00:00:00Z');
const cert = { notBefore, notAfter: new Date(notBefore.getTime() + 30 * DAY) };
const at = (ms: number): Date => new Date(notBefore.getTime() + ms);

describe('renewal policy', () => {
  it('renews once two thirds of the life has passed (day 20 of 30)', () => {
    expect(nextRenewalAt(cert).toISOString()).toBe('2030-01-21T00:00:00.000Z');
    expect(renewalDue(cert, at(20 * DAY - 1))).toBe(false);
    expect(renewalDue(cert, at(20 * DAY))).toBe(true);
    expect(renewalDue(cert, at(20 * DAY + 1))).toBe(true);
    expect(renewalDue(cert, at(10 * DAY), 0.25)).toBe(true);
  });

  const base = { ...cert, issuerCaId: 'ca1', revoked: false, sans: ['n1.example', '2001:db8::1'] };

  it('returns no reason for a fresh certificate with the wanted names', () => {
    expect(
      renewalReasons({
        cert: base,
        currentCaId: 'ca1',
        wantedSans: ['2001:DB8:0::1', 'N1.example'],
        now: at(DAY),
      }),
    ).toEqual([]);
  });

  it('returns every reason as data', () => {
    const reasons = renewalReasons({
      cert: { ...base, issuerCaId: 'ca0', revoked: true },
      currentCaId: 'ca1',
      wantedSans: ['n1.example', '198.51.100.4'],
      now: at(21 * DAY),
    });
    expect(reasons).toEqual([
      { code: 'lifetime', dueAt: new Date('2030-01-21T00:00:00.000Z') },
      { code: 'issuer-not-current', issuerCaId: 'ca0', currentCaId: 'ca1' },
      { code: 'revoked' },
      { code: 'sans-changed', missing: ['198.51.100.4'], extra: ['2001:db8::1'] },
    ]);
  });

  it('reports expiry and absence', () => {
    expect(renewalReasons({ cert: base, currentCaId: 'ca1', now: at(31 * DAY) })).toEqual([
      { code: 'expired', at: cert.notAfter },
    ]);
    expect(renewalReasons({ currentCaId: 'ca1', now: at(0) })).toEqual([{ code: 'missing' }]);
  });
});
