// The parts of DNS wire format dns-packet cannot express: RRs of class NONE
// (254), RRs with empty rdata (RFC 2136 prerequisites and deletions), and the
// UPDATE opcode in the header. Names and rdata still go through dns-packet.
import dnsPacket from 'dns-packet';
import { isIPv4, isIPv6 } from 'node:net';
import { IngressError } from '../errors.js';

export const CLASS_IN = 1;
export const CLASS_NONE = 254;
export const CLASS_ANY = 255;
export const OPCODE_QUERY = 0;
export const OPCODE_UPDATE = 5;
export const FLAG_TC = 0x0200;

const TYPE_CODES: Record<string, number> = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  TXT: 16,
  AAAA: 28,
  OPT: 41,
  TSIG: 250,
  ANY: 255,
};

const RCODES = [
  'NOERROR',
  'FORMERR',
  'SERVFAIL',
  'NXDOMAIN',
  'NOTIMP',
  'REFUSED',
  'YXDOMAIN',
  'YXRRSET',
  'NXRRSET',
  'NOTAUTH',
  'NOTZONE',
];

interface Codec<T> {
  encode: ((value: T, buf?: Buffer, offset?: number) => Buffer) & { bytes: number };
  decode: ((buf: Buffer, offset?: number) => T) & { bytes: number };
}

/** dns-packet exports these at runtime; @types/dns-packet does not declare them. */
const codecs = dnsPacket as unknown as {
  name: Codec<string>;
  record: (type: string) => Codec<unknown>;
};

/** One resource record with explicit numeric class and raw rdata (may be empty). */
export interface WireRr {
  name: string;
  type: number;
  class: number;
  ttl: number;
  rdata: Buffer;
}

export interface WireMessage {
  id: number;
  /** The 16-bit flags word, opcode and rcode included. */
  flags: number;
  questions: { name: string; type: number; class: number }[];
  /** Answer (UPDATE: prerequisite), authority (UPDATE: update) and additional sections. */
  sections: [WireRr[], WireRr[], WireRr[]];
}

export function typeCode(type: string): number {
  const code = TYPE_CODES[type.toUpperCase()];
  if (code === undefined) throw new IngressError('E_DNS', `unsupported record type ${type}`);
  return code;
}

export function typeName(code: number): string {
  return Object.keys(TYPE_CODES).find((k) => TYPE_CODES[k] === code) ?? `TYPE${code}`;
}

export function rcodeName(code: number): string {
  return RCODES[code] ?? `RCODE${code}`;
}

export const opcodeOf = (flags: number): number => (flags >> 11) & 0xf;
export const rcodeOf = (flags: number): number => flags & 0xf;

/** Presentation-form value to rdata bytes, through dns-packet's own rdata codecs. */
export function encodeRdata(type: string, value: string): Buffer {
  // dns-packet's address codec wraps bad octets (300 -> 44) instead of failing.
  const valid = type === 'A' ? isIPv4(value) : type === 'AAAA' ? isIPv6(value) : true;
  try {
    if (!valid) throw new TypeError(`not an ${type === 'A' ? 'IPv4' : 'IPv6'} address`);
    // dns-packet writes rdlength first; the WireRr keeps rdata alone.
    return codecs.record(type).encode(value).subarray(2);
  } catch (cause) {
    throw new IngressError('E_DNS', `invalid ${type} value ${JSON.stringify(value)}`, { cause });
  }
}

export function decodeRdata(type: string, rdata: Buffer): unknown {
  const withLength = Buffer.alloc(rdata.length + 2);
  withLength.writeUInt16BE(rdata.length, 0);
  rdata.copy(withLength, 2);
  return codecs.record(type).decode(withLength, 0);
}

export function encodeName(name: string): Buffer {
  return codecs.name.encode(name);
}

/** RFC 8945 4.3.3 wants names in canonical form: lower case, uncompressed. */
export function encodeCanonicalName(name: string): Buffer {
  return encodeName(name.toLowerCase());
}

export function decodeName(buf: Buffer, offset: number): { name: string; bytes: number } {
  const name = codecs.name.decode(buf, offset);
  return { name, bytes: codecs.name.decode.bytes };
}

export function encodeRr(rr: WireRr): Buffer {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(rr.type, 0);
  fixed.writeUInt16BE(rr.class, 2);
  fixed.writeUInt32BE(rr.ttl, 4);
  fixed.writeUInt16BE(rr.rdata.length, 8);
  return Buffer.concat([encodeName(rr.name), fixed, rr.rdata]);
}

export function encodeMessage(m: WireMessage): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(m.id, 0);
  header.writeUInt16BE(m.flags, 2);
  header.writeUInt16BE(m.questions.length, 4);
  m.sections.forEach((rrs, i) => header.writeUInt16BE(rrs.length, 6 + 2 * i));
  const questions = m.questions.map((q) => {
    const fixed = Buffer.alloc(4);
    fixed.writeUInt16BE(q.type, 0);
    fixed.writeUInt16BE(q.class, 2);
    return Buffer.concat([encodeName(q.name), fixed]);
  });
  return Buffer.concat([header, ...questions, ...m.sections.flat().map(encodeRr)]);
}

export interface DecodedMessage extends WireMessage {
  /** Byte offset where each additional RR starts (TSIG must be the last one). */
  additionalOffsets: number[];
}

function need(buf: Buffer, end: number): void {
  if (end > buf.length) throw new IngressError('E_DNS', 'truncated DNS message');
}

function decodeRr(buf: Buffer, offset: number): { rr: WireRr; next: number } {
  const name = codecs.name.decode(buf, offset);
  let at = offset + codecs.name.decode.bytes;
  need(buf, at + 10);
  const rdLength = buf.readUInt16BE(at + 8);
  need(buf, at + 10 + rdLength);
  const rr: WireRr = {
    name,
    type: buf.readUInt16BE(at),
    class: buf.readUInt16BE(at + 2),
    ttl: buf.readUInt32BE(at + 4),
    rdata: Buffer.from(buf.subarray(at + 10, at + 10 + rdLength)),
  };
  at += 10 + rdLength;
  return { rr, next: at };
}

/** Decodes any message, UPDATE included (names may be compressed). */
export function decodeMessage(buf: Buffer): DecodedMessage {
  need(buf, 12);
  const counts = [4, 6, 8, 10].map((o) => buf.readUInt16BE(o));
  let at = 12;
  const questions: WireMessage['questions'] = [];
  try {
    for (let i = 0; i < (counts[0] ?? 0); i++) {
      const name = codecs.name.decode(buf, at);
      at += codecs.name.decode.bytes;
      need(buf, at + 4);
      questions.push({ name, type: buf.readUInt16BE(at), class: buf.readUInt16BE(at + 2) });
      at += 4;
    }
    const sections: [WireRr[], WireRr[], WireRr[]] = [[], [], []];
    const additionalOffsets: number[] = [];
    for (let s = 0; s < 3; s++) {
      for (let i = 0; i < (counts[s + 1] ?? 0); i++) {
        if (s === 2) additionalOffsets.push(at);
        const { rr, next } = decodeRr(buf, at);
        sections[s]?.push(rr);
        at = next;
      }
    }
    const id = buf.readUInt16BE(0);
    return { id, flags: buf.readUInt16BE(2), questions, sections, additionalOffsets };
  } catch (cause) {
    if (cause instanceof IngressError) throw cause;
    throw new IngressError('E_DNS', `malformed DNS message: ${(cause as Error).message}`, { cause });
  }
}
