// The facade's read / compare-and-set / retry loop, with scripted answers in
// place of the network.
import { describe, expect, it } from 'vitest';
import { createDnsClient, type DnsIo } from '../../../src/dns/client.js';
import type { RrsetAnswer, UpdateResult } from '../../../src/dns/types.js';
import { CLASS_ANY, CLASS_IN, CLASS_NONE, decodeMessage } from '../../../src/dns/wire.js';

const ip = (rdata: Buffer): string => [...rdata].join('.');

function scripted(reads: RrsetAnswer[], results: UpdateResult[]) {
  const sent: ReturnType<typeof decodeMessage>[] = [];
  let queries = 0;
  const io: DnsIo = {
    query: async () => reads[Math.min(queries++, reads.length - 1)]!,
    update: async (message) => {
      sent.push(decodeMessage(message));
      const result = results[sent.length - 1];
      if (!result) throw new Error('unexpected update');
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
  return { client, sent, queries: () => queries };
}

const answer = (addresses: string[], ttlS = 60): RrsetAnswer => ({ addresses, ttlS, rcode: 'NOERROR' });
const empty: RrsetAnswer = { addresses: [], ttlS: 120, rcode: 'NXDOMAIN' };

describe('createDnsClient', () => {
  it('sends nothing when the RRset already holds the wanted addresses and TTL', async () => {
    const { client, sent } = scripted([answer(['192.0.2.2', '192.0.2.1'])], []);
    const outcome = await client.replaceRrset('www.zone.test', 'A', ['192.0.2.1', '192.0.2.2'], 60);
    expect(outcome).toEqual({ status: 'unchanged', addresses: ['192.0.2.1', '192.0.2.2'], attempts: 1 });
    expect(sent).toEqual([]);
  });

  it('rewrites the RRset when only the TTL differs', async () => {
    const { client, sent } = scripted([answer(['192.0.2.1'], 60)], [{ status: 'ok' }]);
    expect((await client.replaceRrset('www.zone.test', 'A', ['192.0.2.1'], 300)).status).toBe('changed');
    const [prereqs, updates] = sent[0]!.sections;
    expect(prereqs.map((r) => [r.class, ip(r.rdata)])).toEqual([[CLASS_IN, '192.0.2.1']]);
    expect(updates.map((r) => [r.class, r.ttl])).toEqual([
      [CLASS_ANY, 0],
      [CLASS_IN, 300],
    ]);
  });

  it('re-reads after a conflict and retries against what it read', async () => {
    const { client, sent, queries } = scripted(
      [empty, answer(['192.0.2.9'])],
      [{ status: 'conflict', rcode: 'YXRRSET' }, { status: 'ok' }],
    );
    const outcome = await client.addAddresses('www.zone.test', 'A', ['192.0.2.1'], 60);
    expect(outcome).toEqual({
      status: 'changed',
      previous: ['192.0.2.9'],
      addresses: ['192.0.2.1', '192.0.2.9'],
      attempts: 2,
    });
    expect(queries()).toBe(2);
    expect(sent.map((m) => m.sections[0].map((r) => [r.class, ip(r.rdata)]))).toEqual([
      [[CLASS_NONE, '']],
      [[CLASS_IN, '192.0.2.9']],
    ]);
  });

  it('gives up after maxAttempts with a typed conflict', async () => {
    const conflict: UpdateResult = { status: 'conflict', rcode: 'NXRRSET' };
    const { client, sent } = scripted([answer(['192.0.2.1'])], [conflict, conflict, conflict]);
    const outcome = await client.replaceRrset('www.zone.test', 'A', ['192.0.2.3'], 60);
    expect(outcome).toEqual({ status: 'conflict', rcode: 'NXRRSET', attempts: 3 });
    expect(sent).toHaveLength(3);
  });

  it('removes addresses keeping the TTL, and deletes the RRset when none remain', async () => {
    const kept = scripted([answer(['192.0.2.1', '192.0.2.2'], 42)], [{ status: 'ok' }]);
    await kept.client.removeAddresses('www.zone.test', 'A', ['192.0.2.1']);
    expect(kept.sent[0]!.sections[1].map((r) => [r.class, r.ttl, ip(r.rdata)])).toEqual([
      [CLASS_ANY, 0, ''],
      [CLASS_IN, 42, '192.0.2.2'],
    ]);
    const gone = scripted([answer(['192.0.2.1'])], [{ status: 'ok' }]);
    await gone.client.removeAddresses('www.zone.test', 'A', ['192.0.2.1']);
    expect(gone.sent[0]!.sections[1].map((r) => r.class)).toEqual([CLASS_ANY]);
  });

  it('refuses a name outside its zone before touching the network', async () => {
    const { client, queries } = scripted([empty], []);
    await expect(client.replaceRrset('www.other.test', 'A', ['192.0.2.1'], 60)).rejects.toMatchObject({
      code: 'E_DNS',
      message: 'www.other.test is not inside zone zone.test',
    });
    expect(queries()).toBe(0);
  });
});
