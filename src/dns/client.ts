// The facade the daemon uses: read an address RRset, then change it with a
// compare-and-set UPDATE, re-reading and retrying (bounded) on conflict.
import { IngressError } from '../errors.js';
import { queryRrset } from './resolve.js';
import type { AddressType, ConflictRcode, DnsServer, RrsetAnswer, TsigKey, UpdateResult } from './types.js';
import { buildUpdate, newMessageId, replaceRrset, sendUpdate } from './update.js';
import { decodeRdata, encodeRdata } from './wire.js';

export interface DnsClientOptions {
  server: DnsServer;
  key: TsigKey;
  zone: string;
  now: () => number;
  timeoutMs: number;
  /** Read-then-write rounds before giving up on a contended RRset. Default 3. */
  maxAttempts?: number;
  /** Datagram retries per exchange. Default 2. */
  retries?: number;
  transport?: 'udp' | 'tcp';
  /** Replaces the network calls (tests of the retry logic); defaults to queryRrset/sendUpdate. */
  io?: DnsIo;
}

export interface DnsIo {
  query(name: string, type: AddressType): Promise<RrsetAnswer>;
  /** Sends one unsigned UPDATE message (sendUpdate signs it). */
  update(message: Buffer): Promise<UpdateResult>;
}

export type ReplaceOutcome =
  | { status: 'unchanged'; addresses: string[]; attempts: number }
  | { status: 'changed'; previous: string[]; addresses: string[]; attempts: number }
  | { status: 'conflict'; rcode: ConflictRcode; attempts: number };

export interface DnsClient {
  getRrset(name: string, type: AddressType): Promise<RrsetAnswer>;
  /** Makes the RRset exactly `wanted` (empty deletes it). */
  replaceRrset(
    name: string,
    type: AddressType,
    wanted: readonly string[],
    ttlS: number,
  ): Promise<ReplaceOutcome>;
  addAddresses(
    name: string,
    type: AddressType,
    addresses: readonly string[],
    ttlS: number,
  ): Promise<ReplaceOutcome>;
  /**
   * One UPDATE whose prerequisite is exactly `expected` (empty: the RRset is absent); no read, no
   * retry. 'conflict' means the zone moved on: the caller re-reads and decides again.
   */
  compareAndSet(
    name: string,
    type: AddressType,
    expected: readonly string[],
    wanted: readonly string[],
    ttlS: number,
  ): Promise<UpdateResult>;
  /** Keeps the RRset's current TTL for the addresses that stay. */
  removeAddresses(name: string, type: AddressType, addresses: readonly string[]): Promise<ReplaceOutcome>;
}

/** Canonical text form (2001:0db8::0001 -> 2001:db8::1), sorted, deduplicated. */
export function canonicalAddresses(type: AddressType, values: readonly string[]): string[] {
  const canonical = values.map((v) => String(decodeRdata(type, encodeRdata(type, v))));
  return [...new Set(canonical)].sort();
}

const bare = (name: string): string => name.replace(/\.$/, '').toLowerCase();

function inZone(name: string, zone: string): boolean {
  const n = bare(name);
  const z = bare(zone);
  return n === z || n.endsWith(`.${z}`);
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/** The network calls: signed queries (their answers feed the firewall) and signed UPDATEs. */
function networkIo(options: DnsClientOptions): DnsIo {
  const { server, key, now, timeoutMs } = options;
  const exchangeOptions = {
    timeoutMs,
    ...(options.retries === undefined ? {} : { retries: options.retries }),
    ...(options.transport === undefined ? {} : { transport: options.transport }),
  };
  return {
    query: (name, type) => queryRrset(server, name, type, { ...exchangeOptions, tsig: { key, now } }),
    update: (message) => sendUpdate(server, message, key, { ...exchangeOptions, now }),
  };
}

interface ZoneIo {
  io: DnsIo;
  zone: string;
  maxAttempts: number;
}

function checkInZone(name: string, zone: string): void {
  if (!inZone(name, zone)) throw new IngressError('E_DNS', `${name} is not inside zone ${zone}`);
}

/** Read, decide, compare-and-set; a conflict re-reads, up to maxAttempts rounds. */
async function modify(
  { io, zone, maxAttempts }: ZoneIo,
  name: string,
  type: AddressType,
  change: (current: RrsetAnswer) => { wanted: string[]; ttlS: number },
): Promise<ReplaceOutcome> {
  checkInZone(name, zone);
  let rcode: ConflictRcode = 'NXRRSET';
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const current = await io.query(name, type);
    const expected = canonicalAddresses(type, current.addresses);
    const { wanted, ttlS } = change(current);
    const ttlSame = expected.length === 0 || current.ttlS === ttlS;
    if (sameSet(expected, wanted) && ttlSame) {
      return { status: 'unchanged', addresses: expected, attempts: attempt };
    }
    const plan = replaceRrset({ zone, name, type, expected, wanted, ttlS });
    const result = await io.update(buildUpdate(plan, newMessageId()));
    if (result.status === 'ok') {
      return { status: 'changed', previous: expected, addresses: wanted, attempts: attempt };
    }
    rcode = result.rcode;
  }
  return { status: 'conflict', rcode, attempts: maxAttempts };
}

export function createDnsClient(options: DnsClientOptions): DnsClient {
  const { zone } = options;
  const io = options.io ?? networkIo(options);
  const zoneIo: ZoneIo = { io, zone, maxAttempts: options.maxAttempts ?? 3 };
  return {
    getRrset: (name, type) => io.query(name, type),
    compareAndSet: (name, type, expected, wanted, ttlS) => {
      checkInZone(name, zone);
      const plan = replaceRrset({
        zone,
        name,
        type,
        expected: canonicalAddresses(type, expected),
        wanted: canonicalAddresses(type, wanted),
        ttlS,
      });
      return io.update(buildUpdate(plan, newMessageId()));
    },
    replaceRrset: (name, type, wanted, ttlS) =>
      modify(zoneIo, name, type, () => ({ wanted: canonicalAddresses(type, wanted), ttlS })),
    addAddresses: (name, type, addresses, ttlS) =>
      modify(zoneIo, name, type, (current) => ({
        wanted: canonicalAddresses(type, [...current.addresses, ...addresses]),
        ttlS,
      })),
    removeAddresses: (name, type, addresses) => {
      const gone = new Set(canonicalAddresses(type, addresses));
      return modify(zoneIo, name, type, (current) => ({
        wanted: canonicalAddresses(type, current.addresses).filter((a) => !gone.has(a)),
        ttlS: current.ttlS,
      }));
    },
  };
}
