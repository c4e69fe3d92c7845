// One DNS exchange with a given server: UDP with retries, TCP when the answer
// is truncated (or when asked), each attempt bounded by timeoutMs.
import dgram from 'node:dgram';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { IngressError } from '../errors.js';
import type { DnsServer } from './types.js';
import { FLAG_TC } from './wire.js';

export interface ExchangeOptions {
  timeoutMs: number;
  /** Extra attempts after the first one times out. */
  retries: number;
  transport: 'udp' | 'tcp';
}

const MAX_UDP_REQUEST_BYTES = 1232;
const where = (s: DnsServer): string => `${s.host}:${s.port}`;

function timeoutError(server: DnsServer, proto: string, timeoutMs: number): IngressError {
  return new IngressError('E_DNS', `no DNS answer from ${where(server)} over ${proto} within ${timeoutMs}ms`);
}

/** One text per address (IPv4-mapped IPv6 as IPv4), so that equal addresses compare equal. */
function bareAddress(address: string): string {
  return ipaddr.isValid(address) ? ipaddr.process(address).toNormalizedString() : address.toLowerCase();
}

/** Only the server's own address and port may answer; anyone can send a datagram claiming to. */
export function fromServer(server: DnsServer, rinfo: { address: string; port: number }): boolean {
  return rinfo.port === server.port && bareAddress(rinfo.address) === bareAddress(server.host);
}

/** Resolves with the first datagram from the server carrying our message ID, or undefined on timeout. */
function udpAttempt(server: DnsServer, wire: Buffer, timeoutMs: number): Promise<Buffer | undefined> {
  const id = wire.readUInt16BE(0);
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(net.isIPv6(server.host) ? 'udp6' : 'udp4');
    const finish = (err: Error | undefined, value?: Buffer): void => {
      clearTimeout(timer);
      socket.close();
      if (err) reject(new IngressError('E_DNS', `DNS over UDP to ${where(server)} failed`, { cause: err }));
      else resolve(value);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    socket.on('error', (err) => finish(err));
    // Datagrams from elsewhere are spoofs, those with another ID strays (a late answer
    // to an earlier try): skip both and keep waiting for the real answer.
    socket.on('message', (msg, rinfo) => {
      if (fromServer(server, rinfo) && msg.length >= 12 && msg.readUInt16BE(0) === id) finish(undefined, msg);
    });
    socket.send(wire, server.port, server.host, (err) => err && finish(err));
  });
}

function tcpAttempt(server: DnsServer, wire: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: server.host, port: server.port });
    let received = Buffer.alloc(0);
    const finish = (err: Error | undefined, value?: Buffer): void => {
      socket.destroy();
      if (err) reject(err);
      else if (value) resolve(value);
    };
    socket.setTimeout(timeoutMs, () => finish(timeoutError(server, 'TCP', timeoutMs)));
    socket.on('error', (err) =>
      finish(new IngressError('E_DNS', `DNS over TCP to ${where(server)} failed`, { cause: err })),
    );
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      const length = received.length >= 2 ? received.readUInt16BE(0) : -1;
      if (length >= 0 && received.length >= length + 2) finish(undefined, received.subarray(2, length + 2));
    });
    socket.on('end', () => finish(new IngressError('E_DNS', `${where(server)} closed TCP before answering`)));
    const prefix = Buffer.alloc(2);
    prefix.writeUInt16BE(wire.length, 0);
    socket.write(Buffer.concat([prefix, wire]));
  });
}

async function withRetries<T>(
  attempts: number,
  run: () => Promise<T | undefined>,
  onGiveUp: () => Error,
): Promise<T> {
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      const value = await run();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
  }
  throw last ?? onGiveUp();
}

/** Sends one message and returns the raw answer. Throws IngressError 'E_DNS'. */
export async function exchange(server: DnsServer, wire: Buffer, options: ExchangeOptions): Promise<Buffer> {
  const attempts = options.retries + 1;
  const { timeoutMs } = options;
  const viaTcp = (): Promise<Buffer> =>
    withRetries(
      attempts,
      () => tcpAttempt(server, wire, timeoutMs),
      () => timeoutError(server, 'TCP', timeoutMs),
    );
  // Above 1232 bytes a datagram risks fragmentation (DNS flag day 2020): use TCP.
  if (options.transport === 'tcp' || wire.length > MAX_UDP_REQUEST_BYTES) return viaTcp();
  const answer = await withRetries(
    attempts,
    () => udpAttempt(server, wire, timeoutMs),
    () => timeoutError(server, 'UDP', timeoutMs),
  );
  return (answer.readUInt16BE(2) & FLAG_TC) !== 0 ? viaTcp() : answer;
}
