// Reads an address RRset straight from a given (authoritative) server, so the
// TTL is the zone's own and not what a cache has left of it.
import dnsPacket from 'dns-packet';
import { IngressError } from '../errors.js';
import { exchange } from './transport.js';
import type { AddressType, DnsServer, RrsetAnswer } from './types.js';
import { newMessageId } from './update.js';

export interface QueryOptions {
  timeoutMs: number;
  retries?: number;
  transport?: 'udp' | 'tcp';
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
  // A CNAME chain ends at another owner name; take every RR of the asked type.
  const matching = (response.answers ?? []).filter((rr) => rr.type === type);
  if (rcode === 'NXDOMAIN' || matching.length === 0) {
    return { addresses: [], ttlS: negativeTtl(response.authorities ?? []), rcode };
  }
  const addresses = matching.map((rr) => String((rr as { data?: unknown }).data));
  const ttlS = Math.min(...matching.map((rr) => ('ttl' in rr ? (rr.ttl ?? 0) : 0)));
  return { addresses, ttlS, rcode };
}

export async function queryRrset(
  server: DnsServer,
  name: string,
  type: AddressType,
  options: QueryOptions,
): Promise<RrsetAnswer> {
  const id = newMessageId();
  const wire = dnsPacket.encode({ id, type: 'query', flags: 0, questions: [{ name, type, class: 'IN' }] });
  const raw = await exchange(server, wire, {
    timeoutMs: options.timeoutMs,
    retries: options.retries ?? 2,
    transport: options.transport ?? 'udp',
  });
  let response: dnsPacket.DecodedPacket;
  try {
    response = dnsPacket.decode(raw);
  } catch (cause) {
    throw new IngressError('E_DNS', `malformed answer from ${server.host}:${server.port}`, { cause });
  }
  const question = response.questions?.[0];
  if (question && (!sameName(question.name, name) || question.type !== type)) {
    throw new IngressError('E_DNS', `answer from ${server.host} is for ${question.name} ${question.type}`);
  }
  return interpretAnswer(response, name, type);
}
