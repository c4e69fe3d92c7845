// The DNS client against a real BIND (named -g in the lab's services image).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDnsClient, type DnsClient } from '../../../src/dns/client.js';
import { parseKeyFile } from '../../../src/dns/key-file.js';
import { queryRrset } from '../../../src/dns/resolve.js';
import type { DnsServer, TsigKey } from '../../../src/dns/types.js';
import { buildUpdate, replaceRrset, sendUpdate } from '../../../src/dns/update.js';
import { readFileSync } from 'node:fs';
import { startBind, type BindServer } from './bind-server.js';

process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';

const key: TsigKey = parseKeyFile(
  readFileSync(new URL('../../fixtures/dns/bind/update.key', import.meta.url), 'utf8'),
  'update.key',
)[0]!;
const timeoutMs = 2000;
const now = (): number => Date.now();

let bind: BindServer;
let server: DnsServer;
const client = (zone: string, maxAttempts = 3): DnsClient =>
  createDnsClient({ server, key, zone, now, timeoutMs, maxAttempts });
const read = (name: string, type: 'A' | 'AAAA' = 'A') => queryRrset(server, name, type, { timeoutMs });
const axfr = (zone: string): Promise<string> => bind.sh(`dig @127.0.0.1 ${zone} AXFR +noall +answer`);

beforeAll(async () => {
  bind = await startBind();
  server = { host: bind.host, port: bind.port };
  // Proves the path to the container on its internal network before any test relies on it.
  await queryRrset(server, 'www.play.test', 'A', { timeoutMs: 1000, retries: 10 });
});
afterAll(async () => {
  await bind?.stop();
});

describe('BIND accepts what the project sends', () => {
  it('applies a signed update and serves the new RRset with its TTL', async () => {
    const outcome = await client('play.test').replaceRrset(
      'www.play.test',
      'A',
      ['192.0.2.11', '192.0.2.10'],
      120,
    );
    expect(outcome).toMatchObject({ status: 'changed', previous: ['192.0.2.1', '192.0.2.2'], attempts: 1 });
    expect(await read('www.play.test')).toEqual({
      addresses: expect.arrayContaining(['192.0.2.10', '192.0.2.11']),
      ttlS: 120,
      rcode: 'NOERROR',
    });
    expect((await read('www.play.test')).addresses).toHaveLength(2);
    const again = await client('play.test').replaceRrset(
      'www.play.test',
      'A',
      ['192.0.2.10', '192.0.2.11'],
      120,
    );
    expect(again.status).toBe('unchanged');
  });

  it('reports NXDOMAIN and NODATA with the SOA negative TTL', async () => {
    expect(await read('nothing.play.test')).toEqual({ addresses: [], ttlS: 120, rcode: 'NXDOMAIN' });
    expect(await read('api.play.test', 'AAAA')).toEqual({ addresses: [], ttlS: 120, rcode: 'NOERROR' });
  });

  it('falls back to TCP for an RRset too large for a UDP answer', async () => {
    const many = Array.from({ length: 60 }, (_, i) => `198.51.100.${i + 1}`);
    await client('play.test').replaceRrset('big.play.test', 'A', many, 60);
    const answer = await read('big.play.test');
    expect(answer.addresses).toHaveLength(60);
  });
});

describe('BIND refuses what it must refuse', () => {
  const change = (expected: string[]) =>
    buildUpdate(
      replaceRrset({
        zone: 'play.test',
        name: 'api.play.test',
        type: 'A',
        expected,
        wanted: ['203.0.113.5'],
        ttlS: 60,
      }),
      4321,
    );

  it.each([
    ['a wrong secret', { ...key, secret: Buffer.alloc(32, 9).toString('base64') }, 0, /BADSIG/],
    ['an unknown key', { ...key, name: 'nobody-key' }, 0, /BADKEY/],
    ['a clock an hour off', key, 3_600_000, /BADTIME/],
  ])('rejects an update signed with %s and leaves the zone unchanged', async (_what, k, skewMs, error) => {
    const attempt = sendUpdate(server, change(['192.0.2.7']), k, {
      timeoutMs,
      now: () => Date.now() + skewMs,
    });
    await expect(attempt).rejects.toMatchObject({ code: 'E_DNS', message: expect.stringMatching(error) });
    expect((await read('api.play.test')).addresses).toEqual(['192.0.2.7']);
  });

  it('refuses a compare-and-set with a stale expectation, as a conflict', async () => {
    const stale = await sendUpdate(server, change(['192.0.2.8']), key, { timeoutMs, now });
    expect(stale).toEqual({ status: 'conflict', rcode: 'NXRRSET' });
    const expectedAbsent = await sendUpdate(server, change([]), key, { timeoutMs, now });
    expect(expectedAbsent).toEqual({ status: 'conflict', rcode: 'YXRRSET' });
    expect(await read('api.play.test')).toMatchObject({ addresses: ['192.0.2.7'], ttlS: 3600 });
  });

  it('throws E_DNS naming the rcode for a zone the server does not serve', async () => {
    const plan = replaceRrset({
      zone: 'elsewhere.test',
      name: 'www.elsewhere.test',
      type: 'A',
      expected: [],
      wanted: ['192.0.2.1'],
      ttlS: 60,
    });
    const attempt = sendUpdate(server, buildUpdate(plan, 77), key, { timeoutMs, now });
    await expect(attempt).rejects.toMatchObject({
      code: 'E_DNS',
      message: expect.stringMatching(/failed: NOTAUTH$/),
    });
  });

  it('lets concurrent writers on one RRset all land, by re-reading on conflict', async () => {
    const wanted = ['192.0.2.101', '192.0.2.102', '192.0.2.103', '192.0.2.104'];
    // Each round at least one writer wins, so four writers need at most four rounds.
    const outcomes = await Promise.all(
      wanted.map((address) => client('play.test', 4).addAddresses('race.play.test', 'A', [address], 60)),
    );
    // 'unchanged' is possible only if a writer's own lost answer made it re-read its success.
    expect(outcomes.filter((o) => o.status === 'conflict')).toEqual([]);
    expect((await read('race.play.test')).addresses.sort()).toEqual(wanted);
  });
});

describe('the zone after the project equals the zone after nsupdate', () => {
  it('makes the same change as nsupdate on an identical zone', async () => {
    const mine = client('mine.test');
    await mine.replaceRrset('www.mine.test', 'A', ['192.0.2.20', '192.0.2.21'], 300);
    await mine.addAddresses('www.mine.test', 'AAAA', ['2001:db8::2'], 60);
    await mine.removeAddresses('api.mine.test', 'A', ['192.0.2.7']);
    await mine.replaceRrset('new.mine.test', 'A', ['198.51.100.1'], 30);
    await mine.removeAddresses('www.mine.test', 'AAAA', ['2001:db8::1']);

    const script = [
      'server 127.0.0.1',
      'zone ref.test.',
      'update delete www.ref.test. A',
      'update add www.ref.test. 300 A 192.0.2.20',
      'update add www.ref.test. 300 A 192.0.2.21',
      'update add www.ref.test. 60 AAAA 2001:db8::2',
      'update delete api.ref.test. A 192.0.2.7',
      'update add new.ref.test. 30 A 198.51.100.1',
      'update delete www.ref.test. AAAA 2001:db8::1',
      'send',
    ].join('\n');
    await bind.sh('nsupdate -k /etc/bind/ingress/update.key', script);

    // SOA serials differ with the number of updates; everything else must match.
    const normalise = (text: string, zone: string): string[] =>
      text
        .split('\n')
        .filter((line) => line.trim() !== '' && !/\sSOA\s/.test(line))
        .map((line) => line.replaceAll(`${zone}.`, 'ZONE.').replace(/\s+/g, ' '))
        .sort();
    const ours = normalise(await axfr('mine.test'), 'mine.test');
    expect(ours).toEqual(normalise(await axfr('ref.test'), 'ref.test'));
    expect(ours).toContain('new.ZONE. 30 IN A 198.51.100.1');
    expect(ours.some((l) => l.startsWith('api.ZONE.'))).toBe(false);
  });
});
