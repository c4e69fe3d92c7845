import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { canonicalAddresses } from '../../../src/dns/client.js';
import { interpretAnswer } from '../../../src/dns/resolve.js';

const soa = {
  name: 'zone.test',
  type: 'SOA' as const,
  ttl: 3600,
  data: {
    mname: 'ns1.zone.test',
    rname: 'hostmaster.zone.test',
    serial: 7,
    refresh: 3600,
    retry: 600,
    expire: 86400,
    minimum: 120,
  },
};

/** Encodes then decodes, so the input looks exactly like what queryRrset sees. */
function response(rcode: number, answers: dnsPacket.Answer[], authorities: dnsPacket.Answer[] = []) {
  return dnsPacket.decode(
    dnsPacket.encode({
      id: 1,
      type: 'response',
      flags: dnsPacket.AUTHORITATIVE_ANSWER | rcode,
      questions: [{ name: 'www.zone.test', type: 'A', class: 'IN' }],
      answers,
      authorities,
    }),
  );
}

describe('interpretAnswer', () => {
  it('returns the addresses and the smallest TTL of the RRset', () => {
    const r = response(0, [
      { name: 'www.zone.test', type: 'A', ttl: 60, data: '192.0.2.1' },
      { name: 'www.zone.test', type: 'A', ttl: 30, data: '192.0.2.2' },
    ]);
    expect(interpretAnswer(r, 'www.zone.test', 'A')).toEqual({
      addresses: ['192.0.2.1', '192.0.2.2'],
      ttlS: 30,
      rcode: 'NOERROR',
    });
  });

  it('counts only records owned by the asked name, not a CNAME target or a stray record', () => {
    const r = response(0, [
      { name: 'www.zone.test', type: 'CNAME', ttl: 300, data: 'edge.zone.test' },
      { name: 'edge.zone.test', type: 'A', ttl: 45, data: '192.0.2.9' },
      { name: 'WWW.zone.test.', type: 'A', ttl: 60, data: '192.0.2.1' },
    ]);
    expect(interpretAnswer(r, 'www.zone.test', 'A')).toMatchObject({ addresses: ['192.0.2.1'], ttlS: 60 });
  });

  it('reports NODATA as empty with the negative TTL min(SOA TTL, SOA minimum)', () => {
    const r = response(0, [], [soa]);
    expect(interpretAnswer(r, 'www.zone.test', 'AAAA')).toEqual({
      addresses: [],
      ttlS: 120,
      rcode: 'NOERROR',
    });
  });

  it('reports NXDOMAIN as empty with the negative TTL', () => {
    const r = response(3, [], [{ ...soa, ttl: 50 }]);
    expect(interpretAnswer(r, 'nope.zone.test', 'A')).toEqual({ addresses: [], ttlS: 50, rcode: 'NXDOMAIN' });
  });

  it('throws E_DNS on SERVFAIL and REFUSED', () => {
    expect(() => interpretAnswer(response(2, []), 'www.zone.test', 'A')).toThrow(/SERVFAIL/);
    expect(() => interpretAnswer(response(5, []), 'www.zone.test', 'A')).toThrow(/REFUSED/);
  });
});

describe('canonicalAddresses', () => {
  it('canonicalises, sorts and deduplicates', () => {
    expect(canonicalAddresses('AAAA', ['2001:0db8:0:0::0002', '2001:db8::1', '2001:DB8::2'])).toEqual([
      '2001:db8::1',
      '2001:db8::2',
    ]);
    expect(canonicalAddresses('A', ['192.0.2.2', '192.0.2.1', '192.0.2.2'])).toEqual([
      '192.0.2.1',
      '192.0.2.2',
    ]);
  });

  it('rejects a malformed address', () => {
    expect(() => canonicalAddresses('A', ['192.0.2'])).toThrow(/invalid A value/);
  });
});
