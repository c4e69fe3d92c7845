// exchange() against small loopback servers that misbehave on purpose.
import dgram from 'node:dgram';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { exchange } from '../../../src/dns/transport.js';
import { FLAG_TC } from '../../../src/dns/wire.js';

const closers: (() => void)[] = [];
afterEach(() => closers.splice(0).forEach((close) => close()));

function query(id: number): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16BE(id, 0);
  return b;
}

function reply(to: Buffer, flags: number, body = ''): Buffer {
  const b = Buffer.concat([to.subarray(0, 12), Buffer.from(body)]);
  b.writeUInt16BE(0x8000 | flags, 2);
  return b;
}

/** A UDP server calling `answer` for the nth datagram it receives. */
async function udpServer(answer: (msg: Buffer, n: number) => Buffer | undefined, port = 0): Promise<number> {
  const socket = dgram.createSocket('udp4');
  let n = 0;
  socket.on('message', (msg, rinfo) => {
    const out = answer(msg, ++n);
    if (out) socket.send(out, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(port, '127.0.0.1', resolve));
  closers.push(() => socket.close());
  return (socket.address() as AddressInfo).port;
}

const framed = (msg: Buffer): Buffer => {
  const prefix = Buffer.alloc(2);
  prefix.writeUInt16BE(msg.length, 0);
  return Buffer.concat([prefix, msg]);
};

/** A TCP server answering the first length-prefixed message of each connection. */
async function tcpServer(answer: (msg: Buffer, conn: net.Socket) => void): Promise<number> {
  const tcp = net.createServer((conn) => {
    conn.once('data', (data) => answer(data.subarray(2, 2 + data.readUInt16BE(0)), conn));
  });
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  closers.push(() => tcp.close());
  return (tcp.address() as AddressInfo).port;
}

describe('exchange', () => {
  it('retries a lost datagram and skips answers carrying another ID', async () => {
    const port = await udpServer((msg, n) => {
      if (n === 1) return undefined; // lost
      return n === 2 ? reply(query(msg.readUInt16BE(0) ^ 1), 0) : reply(msg, 0, 'ok');
    });
    const started = Date.now();
    const answer = await exchange({ host: '127.0.0.1', port }, query(0x1234), {
      timeoutMs: 300,
      retries: 3,
      transport: 'udp',
    });
    expect(answer.readUInt16BE(0)).toBe(0x1234);
    expect(answer.subarray(12).toString()).toBe('ok');
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
  });

  it('gives up after the retries with an E_DNS timeout', async () => {
    let seen = 0;
    const port = await udpServer(() => {
      seen++;
      return undefined;
    });
    const attempt = exchange({ host: '127.0.0.1', port }, query(1), {
      timeoutMs: 150,
      retries: 2,
      transport: 'udp',
    });
    await expect(attempt).rejects.toMatchObject({
      code: 'E_DNS',
      message: expect.stringMatching(/within 150ms/),
    });
    expect(seen).toBe(3);
  });

  it('sends a request too large for one safe datagram over TCP directly', async () => {
    const port = await tcpServer((msg, conn) => conn.end(framed(reply(msg, 0, `got ${msg.length}`))));
    const big = Buffer.concat([query(5), Buffer.alloc(1300)]);
    const answer = await exchange({ host: '127.0.0.1', port }, big, {
      timeoutMs: 1000,
      retries: 0,
      transport: 'udp',
    });
    expect(answer.subarray(12).toString()).toBe('got 1312');
  });

  it('repeats the question over TCP when the UDP answer is truncated', async () => {
    const port = await tcpServer((msg, conn) => {
      const out = framed(reply(msg, 0, 'x'.repeat(1000)));
      // Split the answer to check reassembly.
      conn.write(out.subarray(0, 12));
      setTimeout(() => conn.end(out.subarray(12)), 20);
    });
    await udpServer((msg) => reply(msg, FLAG_TC), port);
    const answer = await exchange({ host: '127.0.0.1', port }, query(9), {
      timeoutMs: 1000,
      retries: 0,
      transport: 'udp',
    });
    expect(answer.length).toBe(1012);
    expect(answer.readUInt16BE(2) & FLAG_TC).toBe(0);
  });
});
