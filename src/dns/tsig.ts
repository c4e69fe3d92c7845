// TSIG (RFC 8945) with hmac-sha256: sign requests, verify responses.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { IngressError } from '../errors.js';
import type { TsigKey } from './types.js';
import {
  CLASS_ANY,
  decodeMessage,
  decodeName,
  encodeCanonicalName,
  encodeName,
  encodeRr,
  rcodeName,
  rcodeOf,
  typeCode,
} from './wire.js';

export const DEFAULT_FUDGE_S = 300;
const ALGORITHM = 'hmac-sha256';
const TSIG_ERRORS: Record<number, string> = { 16: 'BADSIG', 17: 'BADKEY', 18: 'BADTIME', 22: 'BADTRUNC' };

export interface TsigRecord {
  algorithm: string;
  timeSignedS: number;
  fudgeS: number;
  mac: Buffer;
  originalId: number;
  error: number;
  other: Buffer;
}

export interface SignedMessage {
  wire: Buffer;
  /** Needed to verify the response (RFC 8945 5.3: the response MAC covers it). */
  mac: Buffer;
  timeSignedS: number;
}

export interface TsigClock {
  /** Milliseconds since the epoch. */
  now: () => number;
  fudgeS?: number;
}

export const tsigErrorName = (code: number): string => TSIG_ERRORS[code] ?? `TSIG error ${code}`;

function uint48(value: number): Buffer {
  const b = Buffer.alloc(6);
  b.writeUIntBE(value, 0, 6);
  return b;
}

function u16(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(value, 0);
  return b;
}

/** RFC 8945 4.3.3: the TSIG variables appended to the message for the digest. */
function tsigVariables(keyName: string, t: Omit<TsigRecord, 'mac' | 'originalId'>): Buffer {
  return Buffer.concat([
    encodeCanonicalName(keyName),
    u16(CLASS_ANY),
    Buffer.alloc(4), // TTL 0
    encodeCanonicalName(t.algorithm),
    uint48(t.timeSignedS),
    u16(t.fudgeS),
    u16(t.error),
    u16(t.other.length),
    t.other,
  ]);
}

function hmac(key: TsigKey, parts: Buffer[]): Buffer {
  const h = createHmac('sha256', Buffer.from(key.secret, 'base64'));
  for (const p of parts) h.update(p);
  return h.digest();
}

function encodeTsigRdata(t: TsigRecord): Buffer {
  return Buffer.concat([
    encodeName(t.algorithm),
    uint48(t.timeSignedS),
    u16(t.fudgeS),
    u16(t.mac.length),
    t.mac,
    u16(t.originalId),
    u16(t.error),
    u16(t.other.length),
    t.other,
  ]);
}

export function decodeTsigRdata(rdata: Buffer): TsigRecord {
  try {
    const { name: algorithm, bytes } = decodeName(rdata, 0);
    let at = bytes;
    const timeSignedS = rdata.readUIntBE(at, 6);
    const fudgeS = rdata.readUInt16BE(at + 6);
    const macLength = rdata.readUInt16BE(at + 8);
    const mac = Buffer.from(rdata.subarray(at + 10, at + 10 + macLength));
    at += 10 + macLength;
    const otherLength = rdata.readUInt16BE(at + 4);
    const other = Buffer.from(rdata.subarray(at + 6, at + 6 + otherLength));
    if (mac.length !== macLength || other.length !== otherLength) throw new RangeError('short TSIG');
    const originalId = rdata.readUInt16BE(at);
    return { algorithm, timeSignedS, fudgeS, mac, originalId, error: rdata.readUInt16BE(at + 2), other };
  } catch (cause) {
    throw new IngressError('E_DNS', 'malformed TSIG record', { cause });
  }
}

/**
 * Appends a TSIG RR to an unsigned message and bumps ARCOUNT. With `requestMac`
 * it signs a response to that request (RFC 8945 5.3), as a server does.
 */
export function signMessage(
  message: Buffer,
  key: TsigKey,
  clock: TsigClock,
  requestMac?: Buffer,
): SignedMessage {
  const fields = {
    algorithm: ALGORITHM,
    timeSignedS: Math.floor(clock.now() / 1000),
    fudgeS: clock.fudgeS ?? DEFAULT_FUDGE_S,
    error: 0,
    other: Buffer.alloc(0),
  };
  const prefix = requestMac ? [u16(requestMac.length), requestMac] : [];
  const mac = hmac(key, [...prefix, message, tsigVariables(key.name, fields)]);
  const rdata = encodeTsigRdata({ ...fields, mac, originalId: message.readUInt16BE(0) });
  const rr = encodeRr({ name: key.name, type: typeCode('TSIG'), class: CLASS_ANY, ttl: 0, rdata });
  const wire = Buffer.concat([message, rr]);
  wire.writeUInt16BE(message.readUInt16BE(10) + 1, 10);
  return { wire, mac, timeSignedS: fields.timeSignedS };
}

/** The message as it was before its TSIG RR was added: original ID, ARCOUNT - 1. */
export function stripTsig(wire: Buffer): { unsigned: Buffer; tsig: TsigRecord; keyName: string } | undefined {
  const decoded = decodeMessage(wire);
  const last = decoded.sections[2].at(-1);
  const offset = decoded.additionalOffsets.at(-1);
  if (!last || offset === undefined || last.type !== typeCode('TSIG')) return undefined;
  const tsig = decodeTsigRdata(last.rdata);
  const unsigned = Buffer.from(wire.subarray(0, offset));
  unsigned.writeUInt16BE(tsig.originalId, 0);
  unsigned.writeUInt16BE(decoded.sections[2].length - 1, 10);
  return { unsigned, tsig, keyName: last.name };
}

function dnsError(message: string): IngressError {
  return new IngressError('E_DNS', message);
}

/**
 * Verifies a response to a request signed with `requestMac`. Throws IngressError
 * 'E_DNS' naming the TSIG error (BADSIG, BADKEY, BADTIME) the server or we found.
 */
export function verifyResponse(response: Buffer, key: TsigKey, requestMac: Buffer, clock: TsigClock): void {
  const rcode = rcodeName(rcodeOf(response.readUInt16BE(2)));
  const found = stripTsig(response);
  if (!found) throw dnsError(`unsigned DNS response (rcode ${rcode}) to a TSIG-signed request`);
  const { unsigned, tsig, keyName } = found;
  if (tsig.error !== 0) {
    const serverTime = tsig.other.length === 6 ? ` (server time ${tsig.other.readUIntBE(0, 6)})` : '';
    throw dnsError(
      `server rejected TSIG key ${key.name}: ${tsigErrorName(tsig.error)}, rcode ${rcode}${serverTime}`,
    );
  }
  if (keyName.toLowerCase() !== key.name.toLowerCase() || tsig.algorithm.toLowerCase() !== ALGORITHM) {
    throw dnsError(
      `response signed with ${keyName}/${tsig.algorithm}, expected ${key.name}/${ALGORITHM}: BADKEY`,
    );
  }
  const expected = hmac(key, [u16(requestMac.length), requestMac, unsigned, tsigVariables(keyName, tsig)]);
  if (tsig.mac.length !== expected.length || !timingSafeEqual(tsig.mac, expected)) {
    throw dnsError(`response TSIG MAC does not verify with key ${key.name}: BADSIG`);
  }
  const skewS = Math.abs(Math.floor(clock.now() / 1000) - tsig.timeSignedS);
  if (skewS > tsig.fudgeS) {
    throw dnsError(`response signed ${skewS}s away from our clock (fudge ${tsig.fudgeS}s): BADTIME`);
  }
}
