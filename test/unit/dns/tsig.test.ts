import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { signMessage, stripTsig, verifyResponse } from '../../../src/dns/tsig.js';
import type { TsigKey } from '../../../src/dns/types.js';
import { errorOf } from '../../support/error-of.js';

interface NsupdateVectors {
  key: TsigKey;
  cases: { name: string; packetHex: string }[];
}
interface NamedResponses {
  key: TsigKey;
  cases: {
    name: string;
    receivedAtMs: number;
    requestMacHex: string;
    requestHex: string;
    responseHex: string;
  }[];
}

const load = <T>(file: string): T =>
  JSON.parse(readFileSync(new URL(`../../fixtures/dns/${file}`, import.meta.url), 'utf8')) as T;
const nsupdate = load<NsupdateVectors>('nsupdate-vectors.json');
const named = load<NamedResponses>('named-responses.json');

function namedCase(name: string) {
  const c = named.cases.find((x) => x.name === name);
  if (!c) throw new Error(`fixture case ${name} missing`);
  return {
    response: Buffer.from(c.responseHex, 'hex'),
    requestMac: Buffer.from(c.requestMacHex, 'hex'),
    clock: { now: () => c.receivedAtMs },
  };
}

describe('signMessage matches BIND nsupdate byte for byte', () => {
  it.each(nsupdate.cases.map((c) => [c.name, c.packetHex] as const))('%s', (_name, packetHex) => {
    const captured = Buffer.from(packetHex, 'hex');
    const stripped = stripTsig(captured);
    expect(stripped).toBeDefined();
    const { unsigned, tsig } = stripped!;
    expect(tsig.fudgeS).toBe(300);
    const signed = signMessage(unsigned, nsupdate.key, { now: () => tsig.timeSignedS * 1000 + 999 });
    expect(signed.wire.toString('hex')).toBe(packetHex);
    expect(signed.mac).toEqual(tsig.mac);
    expect(signed.timeSignedS).toBe(tsig.timeSignedS);
  });

  it('produces a different MAC with another secret', () => {
    const captured = Buffer.from(nsupdate.cases[0]!.packetHex, 'hex');
    const { unsigned, tsig } = stripTsig(captured)!;
    const other = { ...nsupdate.key, secret: Buffer.alloc(32, 7).toString('base64') };
    const signed = signMessage(unsigned, other, { now: () => tsig.timeSignedS * 1000 });
    expect(signed.mac).not.toEqual(tsig.mac);
  });

  it('finds no TSIG in an unsigned message', () => {
    const { unsigned } = stripTsig(Buffer.from(nsupdate.cases[0]!.packetHex, 'hex'))!;
    expect(stripTsig(unsigned)).toBeUndefined();
  });
});

describe('verifyResponse against answers from named 9.18', () => {
  it('accepts the signed NOERROR and NXRRSET answers, chained to the request MAC', () => {
    for (const name of ['accepted', 'prerequisite-failed']) {
      const { response, requestMac, clock } = namedCase(name);
      expect(() => verifyResponse(response, named.key, requestMac, clock)).not.toThrow();
    }
  });

  it('rejects the answer when checked against another request MAC (BADSIG)', () => {
    const { response, clock } = namedCase('accepted');
    const otherMac = Buffer.from(namedCase('prerequisite-failed').requestMac);
    const err = errorOf(() => verifyResponse(response, named.key, otherMac, clock));
    expect(err.code).toBe('E_DNS');
    expect(err.message).toMatch(/BADSIG/);
  });

  it('rejects a tampered answer (BADSIG)', () => {
    const { response, requestMac, clock } = namedCase('accepted');
    const tampered = Buffer.from(response);
    tampered[3] = (tampered[3] ?? 0) | 0x08; // rcode NOERROR -> NXRRSET
    expect(errorOf(() => verifyResponse(tampered, named.key, requestMac, clock)).message).toMatch(/BADSIG/);
  });

  it('rejects an answer signed with another secret (BADSIG)', () => {
    const { response, requestMac, clock } = namedCase('accepted');
    const wrong = { ...named.key, secret: Buffer.alloc(32, 1).toString('base64') };
    expect(errorOf(() => verifyResponse(response, wrong, requestMac, clock)).message).toMatch(/BADSIG/);
  });

  it('rejects an answer signed outside the fudge window (BADTIME)', () => {
    const { response, requestMac } = namedCase('accepted');
    const later = { now: () => named.cases[0]!.receivedAtMs + 301_000 };
    expect(errorOf(() => verifyResponse(response, named.key, requestMac, later)).message).toMatch(/BADTIME/);
  });

  it.each([
    ['wrong-secret', /BADSIG, rcode NOTAUTH/],
    ['unknown-key', /BADKEY, rcode NOTAUTH/],
    ['clock-skew', /BADTIME, rcode NOTAUTH \(server time \d+\)/],
  ])('names the server-side TSIG error of %s', (name, message) => {
    const { response, requestMac, clock } = namedCase(name);
    const err = errorOf(() => verifyResponse(response, named.key, requestMac, clock));
    expect(err.code).toBe('E_DNS');
    expect(err.message).toMatch(message);
  });

  it('rejects an unsigned answer to a signed request', () => {
    const { response, requestMac, clock } = namedCase('accepted');
    const { unsigned } = stripTsig(response)!;
    expect(errorOf(() => verifyResponse(unsigned, named.key, requestMac, clock)).message).toMatch(/unsigned/);
  });
});
