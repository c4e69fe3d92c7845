import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import dnsPacket from 'dns-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { checkResponse, queryRrset } from '../../../src/dns/resolve.js';
import { fromServer } from '../../../src/dns/transport.js';
import { signMessage, stripTsig } from '../../../src/dns/tsig.js';
import type { TsigKey } from '../../../src/dns/types.js';

const NAME = 'ingress-1.egress.zone.test';
const KEY: TsigKey = {
  name: 'ingress-update',
  algorithm: 'hmac-sha256',
  secret: Buffer.alloc(32, 7).toString('base64'),
};
const OTHER_KEY: TsigKey = { ...KEY, secret: Buffer.alloc(32, 9).toString('base64') };
const now = (): number => 1_700_000_000_000;

interface Query {
  id: number;
  raw: Buffer;
  from: { address: string; port: number };
}

type Reply = (q: Query, send: (packet: Buffer, via?: dgram.Socket) => void, spoofer: dgram.Socket) => void;

const sockets: dgram.Socket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});

async function bound(): Promise<dgram.Socket> {
  const socket = dgram.createSocket('udp4');
  sockets.push(socket);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return socket;
}

/** A fake authoritative server on loopback, answering as `reply` decides; a second socket plays the spoofer. */
async function fakeServer(reply: Reply): Promise<{ host: string; port: number }> {
  const server = await bound();
  const spoofer = await bound();
  server.on('message', (raw, from) => {
    const id = raw.readUInt16BE(0);
    const send = (packet: Buffer, via = server) => via.send(packet, from.port, from.address);
    reply({ id, raw, from }, send, spoofer);
  });
  return { host: '127.0.0.1', port: (server.address() as AddressInfo).port };
}

function answer(id: number, addresses: string[], opts: { name?: string; qname?: string } = {}): Buffer {
  return dnsPacket.encode({
    id,
    type: 'response',
    flags: dnsPacket.AUTHORITATIVE_ANSWER,
    questions: [{ name: opts.qname ?? NAME, type: 'A', class: 'IN' }],
    answers: addresses.map((data) => ({ name: opts.name ?? NAME, type: 'A', ttl: 60, data })),
  });
}

/** Signs a response to a signed query, as BIND does. */
function signedAnswer(q: Query, addresses: string[], key = KEY): Buffer {
  const request = stripTsig(q.raw);
  if (!request) throw new Error('the query was not signed');
  return signMessage(answer(q.id, addresses), key, { now }, request.tsig.mac).wire;
}

const ask = (server: { host: string; port: number }, tsig?: { key: TsigKey; now: () => number }) =>
  queryRrset(server, NAME, 'A', { timeoutMs: 300, retries: 0, ...(tsig ? { tsig } : {}) });

describe('DNS reads for the allow-set', () => {
  it('ignores a spoofed reply from another port and takes the server own answer', async () => {
    const server = await fakeServer((q, send, spoofer) => {
      send(answer(q.id, ['0.0.0.0', '192.168.77.50']), spoofer);
      setTimeout(() => send(answer(q.id, ['203.0.113.1'])), 20);
    });
    await expect(ask(server)).resolves.toMatchObject({ addresses: ['203.0.113.1'] });
  });

  it('ignores a reply with another message ID', async () => {
    const server = await fakeServer((q, send) => send(answer((q.id + 1) & 0xffff, ['203.0.113.66'])));
    await expect(ask(server)).rejects.toThrow(/no DNS answer/);
  });

  it('refuses an answer to another question', async () => {
    const server = await fakeServer((q, send) =>
      send(answer(q.id, ['203.0.113.66'], { qname: 'evil.zone.test', name: 'evil.zone.test' })),
    );
    await expect(ask(server)).rejects.toThrow(/refused: it answers evil.zone.test/);
  });

  it('counts only records owned by the asked name', async () => {
    const server = await fakeServer((q, send) =>
      send(answer(q.id, ['203.0.113.66'], { name: 'other.zone.test' })),
    );
    await expect(ask(server)).resolves.toMatchObject({ addresses: [] });
  });

  it('uses a random message ID', async () => {
    const ids: number[] = [];
    const server = await fakeServer((q, send) => {
      ids.push(q.id);
      send(answer(q.id, ['203.0.113.1']));
    });
    for (let i = 0; i < 4; i++) await ask(server);
    expect(new Set(ids).size).toBeGreaterThan(1);
  });

  it('signs the query and accepts an answer whose TSIG verifies', async () => {
    const server = await fakeServer((q, send) => send(signedAnswer(q, ['203.0.113.1'])));
    await expect(ask(server, { key: KEY, now })).resolves.toMatchObject({ addresses: ['203.0.113.1'] });
  });

  it('refuses an unsigned answer to a signed query', async () => {
    const server = await fakeServer((q, send) => send(answer(q.id, ['203.0.113.66'])));
    await expect(ask(server, { key: KEY, now })).rejects.toThrow(/unsigned DNS response/);
  });

  it('refuses an answer signed with another key', async () => {
    const server = await fakeServer((q, send) => send(signedAnswer(q, ['203.0.113.66'], OTHER_KEY)));
    await expect(ask(server, { key: KEY, now })).rejects.toThrow(/BADSIG/);
  });
});

describe('checkResponse', () => {
  const decoded = (packet: Buffer) => dnsPacket.decode(packet);

  it('accepts the exact question, whatever the case of the name', () => {
    expect(() =>
      checkResponse(decoded(answer(7, [], { qname: NAME.toUpperCase() })), 7, NAME, 'A'),
    ).not.toThrow();
  });

  it('refuses a query (not a response), another ID and two questions', () => {
    const query = dnsPacket.encode({
      id: 7,
      type: 'query',
      questions: [{ name: NAME, type: 'A', class: 'IN' }],
    });
    expect(() => checkResponse(decoded(query), 7, NAME, 'A')).toThrow(/not a response/);
    expect(() => checkResponse(decoded(answer(8, [])), 7, NAME, 'A')).toThrow(/not ours/);
    const two = dnsPacket.encode({
      id: 7,
      type: 'response',
      questions: [
        { name: NAME, type: 'A', class: 'IN' },
        { name: NAME, type: 'AAAA', class: 'IN' },
      ],
    });
    expect(() => checkResponse(decoded(two), 7, NAME, 'A')).toThrow(/2 questions/);
  });
});

describe('fromServer', () => {
  it('takes a datagram only from the server address and port, whatever the address spelling', () => {
    const server = { host: 'fd00::53', port: 53 };
    expect(fromServer(server, { address: 'fd00:0:0::53', port: 53 })).toBe(true);
    expect(fromServer(server, { address: 'fd00::54', port: 53 })).toBe(false);
    expect(fromServer(server, { address: 'fd00::53', port: 5353 })).toBe(false);
    expect(fromServer({ host: '192.0.2.53', port: 53 }, { address: '::ffff:192.0.2.53', port: 53 })).toBe(
      true,
    );
  });
});
