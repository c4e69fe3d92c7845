// The daemon's DNS port: the reducer's expectation must travel as the UPDATE's prerequisite, in one
// message, with no read in between that a concurrent writer could slip past.
import { describe, expect, it } from 'vitest';
import { createDnsClient, type DnsIo } from '../../../src/dns/client.js';
import type { UpdateResult } from '../../../src/dns/types.js';
import { CLASS_ANY, CLASS_IN, CLASS_NONE, decodeMessage } from '../../../src/dns/wire.js';
import { dnsPortFromClient } from '../../../src/daemon/interpreter.js';

const ip = (rdata: Buffer): string => [...rdata].join('.');

function port(result: UpdateResult) {
  const sent: ReturnType<typeof decodeMessage>[] = [];
  let queries = 0;
  const io: DnsIo = {
    query: async () => {
      queries += 1;
      return { addresses: [], ttlS: 0, rcode: 'NXDOMAIN' };
    },
    update: async (message) => {
      sent.push(decodeMessage(message));
      return result;
    },
  };
  const client = createDnsClient({
    server: { host: '192.0.2.53', port: 53 },
    key: { name: 'k', algorithm: 'hmac-sha256', secret: 'AAAA' },
    zone: 'zone.test',
    now: () => 0,
    timeoutMs: 100,
    io,
  });
  return { dns: dnsPortFromClient(client, 30), sent, queries: () => queries };
}

describe('dnsPortFromClient compareAndSet', () => {
  it('sends one UPDATE whose prerequisite is exactly the expected RRset, without reading first', async () => {
    const { dns, sent, queries } = port({ status: 'ok' });
    const outcome = await dns.compareAndSet('www.zone.test', 'A', ['192.0.2.2', '192.0.2.1'], ['192.0.2.3']);
    expect(outcome).toBe('ok');
    expect(queries()).toBe(0);
    expect(sent).toHaveLength(1);
    const [prereqs, updates] = sent[0]!.sections;
    expect(prereqs.map((r) => [r.class, ip(r.rdata)])).toEqual([
      [CLASS_IN, '192.0.2.1'],
      [CLASS_IN, '192.0.2.2'],
    ]);
    expect(updates.map((r) => [r.class, r.ttl, ip(r.rdata)])).toEqual([
      [CLASS_ANY, 0, ''],
      [CLASS_IN, 30, '192.0.2.3'],
    ]);
  });

  it('expects the RRset absent when the reducer saw none', async () => {
    const { dns, sent } = port({ status: 'ok' });
    await dns.compareAndSet('www.zone.test', 'A', [], ['192.0.2.3']);
    expect(sent[0]!.sections[0].map((r) => r.class)).toEqual([CLASS_NONE]);
  });

  it('reports a failed prerequisite as a conflict and does not retry', async () => {
    const { dns, sent } = port({ status: 'conflict', rcode: 'NXRRSET' });
    expect(await dns.compareAndSet('www.zone.test', 'A', ['192.0.2.1'], [])).toBe('conflict');
    expect(sent).toHaveLength(1);
  });

  it('refuses names outside the zone', async () => {
    const { dns, sent } = port({ status: 'ok' });
    await expect(dns.compareAndSet('www.other.test', 'A', [], ['192.0.2.3'])).rejects.toThrow(
      /not inside zone/,
    );
    expect(sent).toEqual([]);
  });
});
