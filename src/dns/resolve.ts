// Reads an address RRset straight from a given (authoritative) server, so the
// TTL is the zone's own and not what a cache has left of it. The answers feed
// the home firewall, so one is taken only when it is provably the server's
// answer to this question: from its address and port (transport.ts), with our
// random ID, the exact question echoed, and a valid TSIG when we signed.
import dnsPacket from 'dns-packet';
import { IngressError } from '../errors.js';
import { exchange } from './transport.js';
import { signMessage, verifyResponse } from './tsig.js';
import type { AddressType, DnsServer, RrsetAnswer, TsigKey } from './types.js';
import { newMessageId } from './update.js';

export interface QueryOptions {
  timeoutMs: number;
  retries?: number;
  transport?: 'udp' | 'tcp';
  /** Signs the query; the answer must then carry a TSIG that verifies (BIND signs answers to signed queries). */
  tsig?: { key: TsigKey; now: () => number };
}

const sameName = (a: string, b: string): boolean =>
  a.replace(/\.$/, '').toLowerCase() === b.replace(/\.$/, '').toLowerCase();

/** RFC 2308 section 5: the negative TTL is min(SOA TTL, SOA MINIMUM). */
function negativeTtl(authorities: dnsPacket.Answer[]): number {
  for (const rr of authorities) {
    if (rr.type === 'SOA') return Math.min(rr.ttl ?? 0, rr.data.minimum ?? 0);
  }
  return 0;
}

/** Pure: turns a decoded response into { addresses, ttlS, rcode }. */
export function interpretAnswer(response: dnsPacket.Packet, name: string, type: AddressType): RrsetAnswer {
  const rcode = (response as { rcode?: string }).rcode ?? 'NOERROR';
  if (rcode !== 'NOERROR' && rcode !== 'NXDOMAIN') {
    throw new IngressError('E_DNS', `query ${name} ${type} failed: ${rcode}`);
  }
  // Only the asked name's own records count: a record of another owner (a CNAME
  // target, or one slipped into the answer) could point the firewall anywhere.
  const matching = (response.answers ?? []).filter(
    (rr) => rr.type === type && sameName(rr.name, name) && (rr.class ?? 'IN') === 'IN',
  );
  if (rcode === 'NXDOMAIN' || matching.length === 0) {
    return { addresses: [], ttlS: negativeTtl(response.authorities ?? []), rcode };
  }
  const addresses = matching.map((rr) => String((rr as { data?: unknown }).data));
  const ttlS = Math.min(...matching.map((rr) => ('ttl' in rr ? (rr.ttl ?? 0) : 0)));
  return { addresses, ttlS, rcode };
}

/** Pure: refuses a response that is not an answer to exactly this query. */
export function checkResponse(response: dnsPacket.Packet, id: number, name: string, type: AddressType): void {
  const fail = (why: string): never => {
    throw new IngressError('E_DNS', `answer for ${name} ${type} refused: ${why}`);
  };
  if (response.id !== id) fail(`message ID ${String(response.id)} is not ours (${id})`);
  if (response.type !== 'response') fail('not a response');
  if (((response.flags ?? 0) >> 11) & 0xf) fail('not a standard query response');
  const questions = response.questions ?? [];
  const question = questions[0];
  if (questions.length !== 1 || !question) return fail(`${questions.length} questions echoed, not 1`);
  if (!sameName(question.name, name) || question.type !== type || (question.class ?? 'IN') !== 'IN') {
    fail(`it answers ${question.name} ${question.type} ${question.class ?? ''}`.trim());
  }
}

function decodeAnswer(server: DnsServer, raw: Buffer): dnsPacket.DecodedPacket {
  try {
    return dnsPacket.decode(raw);
  } catch (cause) {
    throw new IngressError('E_DNS', `malformed answer from ${server.host}:${server.port}`, { cause });
  }
}

export async function queryRrset(
  server: DnsServer,
  name: string,
  type: AddressType,
  options: QueryOptions,
): Promise<RrsetAnswer> {
  const id = newMessageId();
  const query = dnsPacket.encode({ id, type: 'query', flags: 0, questions: [{ name, type, class: 'IN' }] });
  const signed = options.tsig ? signMessage(query, options.tsig.key, options.tsig) : undefined;
  const raw = await exchange(server, signed?.wire ?? query, {
    timeoutMs: options.timeoutMs,
    retries: options.retries ?? 2,
    transport: options.transport ?? 'udp',
  });
  if (signed && options.tsig) verifyResponse(raw, options.tsig.key, signed.mac, options.tsig);
  const response = decodeAnswer(server, raw);
  checkResponse(response, id, name, type);
  return interpretAnswer(response, name, type);
}
