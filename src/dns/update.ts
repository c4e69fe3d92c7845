// RFC 2136 UPDATE: a pure builder from a plan, a compare-and-set planner, and
// sendUpdate (sign, send, verify, classify the rcode).
import { randomInt } from 'node:crypto';
import { IngressError } from '../errors.js';
import { exchange } from './transport.js';
import { signMessage, verifyResponse } from './tsig.js';
import type {
  AddressType,
  ConflictRcode,
  DnsServer,
  Prerequisite,
  TsigKey,
  UpdateOp,
  UpdatePlan,
  UpdateResult,
} from './types.js';
import {
  CLASS_ANY,
  CLASS_IN,
  CLASS_NONE,
  OPCODE_UPDATE,
  encodeMessage,
  encodeRdata,
  rcodeName,
  rcodeOf,
  typeCode,
  type WireRr,
} from './wire.js';

const EMPTY = Buffer.alloc(0);
const CONFLICTS: readonly string[] = ['NXRRSET', 'YXRRSET', 'NXDOMAIN', 'YXDOMAIN'];

function rr(name: string, type: string, klass: number, ttl: number, rdata: Buffer): WireRr {
  return { name, type: typeCode(type), class: klass, ttl, rdata };
}

/** RFC 2136 2.4: each prerequisite kind maps to one class/type/rdata convention. */
export function prerequisiteRrs(p: Prerequisite): WireRr[] {
  switch (p.kind) {
    case 'rrsetExists':
      return [rr(p.name, p.type, CLASS_ANY, 0, EMPTY)];
    case 'rrsetEquals':
      if (p.values.length === 0) {
        throw new IngressError('E_DNS', `value-dependent prerequisite for ${p.name} ${p.type} needs values`);
      }
      return p.values.map((v) => rr(p.name, p.type, CLASS_IN, 0, encodeRdata(p.type, v)));
    case 'rrsetAbsent':
      return [rr(p.name, p.type, CLASS_NONE, 0, EMPTY)];
    case 'nameInUse':
      return [rr(p.name, 'ANY', CLASS_ANY, 0, EMPTY)];
    case 'nameNotInUse':
      return [rr(p.name, 'ANY', CLASS_NONE, 0, EMPTY)];
  }
}

/** RFC 2136 2.5: add (class IN), delete RR (NONE), delete RRset or name (ANY). */
export function updateRr(u: UpdateOp): WireRr {
  switch (u.kind) {
    case 'add':
      if (!Number.isInteger(u.ttlS) || u.ttlS < 0 || u.ttlS > 0x7fffffff) {
        throw new IngressError('E_DNS', `invalid TTL ${u.ttlS} for ${u.name} ${u.type}`);
      }
      return rr(u.name, u.type, CLASS_IN, u.ttlS, encodeRdata(u.type, u.value));
    case 'deleteRr':
      return rr(u.name, u.type, CLASS_NONE, 0, encodeRdata(u.type, u.value));
    case 'deleteRrset':
      return rr(u.name, u.type, CLASS_ANY, 0, EMPTY);
    case 'deleteName':
      return rr(u.name, 'ANY', CLASS_ANY, 0, EMPTY);
  }
}

export function newMessageId(): number {
  return randomInt(0, 0x10000);
}

/** Encodes a plan as an unsigned UPDATE message (zone section: zone SOA IN). */
export function buildUpdate(plan: UpdatePlan, id: number): Buffer {
  return encodeMessage({
    id,
    flags: OPCODE_UPDATE << 11,
    questions: [{ name: plan.zone, type: typeCode('SOA'), class: CLASS_IN }],
    sections: [plan.prerequisites.flatMap(prerequisiteRrs), plan.updates.map(updateRr), []],
  });
}

export interface ReplaceRrsetInput {
  zone: string;
  name: string;
  type: AddressType;
  /** What the caller last read; empty means "no such RRset". */
  expected: readonly string[];
  wanted: readonly string[];
  ttlS: number;
}

/**
 * Compare-and-set: the prerequisite is exactly the expected RRset, so a writer
 * holding a stale view fails with NXRRSET/YXRRSET instead of overwriting.
 */
export function replaceRrset(input: ReplaceRrsetInput): UpdatePlan {
  const { zone, name, type } = input;
  const prerequisite: Prerequisite =
    input.expected.length === 0
      ? { kind: 'rrsetAbsent', name, type }
      : { kind: 'rrsetEquals', name, type, values: [...new Set(input.expected)] };
  const adds = [...new Set(input.wanted)].map((value): UpdateOp => ({
    kind: 'add',
    name,
    type,
    ttlS: input.ttlS,
    value,
  }));
  return { zone, prerequisites: [prerequisite], updates: [{ kind: 'deleteRrset', name, type }, ...adds] };
}

export interface SendOptions {
  timeoutMs: number;
  now: () => number;
  retries?: number;
  transport?: 'udp' | 'tcp';
}

/**
 * Signs and sends an UPDATE built by buildUpdate, verifies the signed answer.
 * Prerequisite failures come back as { status: 'conflict' }; every other
 * failure throws IngressError 'E_DNS' naming the rcode or TSIG error.
 */
export async function sendUpdate(
  server: DnsServer,
  message: Buffer,
  key: TsigKey,
  options: SendOptions,
): Promise<UpdateResult> {
  const signed = signMessage(message, key, { now: options.now });
  const response = await exchange(server, signed.wire, {
    timeoutMs: options.timeoutMs,
    retries: options.retries ?? 2,
    transport: options.transport ?? 'udp',
  });
  verifyResponse(response, key, signed.mac, { now: options.now });
  const rcode = rcodeName(rcodeOf(response.readUInt16BE(2)));
  if (rcode === 'NOERROR') return { status: 'ok' };
  if (CONFLICTS.includes(rcode)) return { status: 'conflict', rcode: rcode as ConflictRcode };
  throw new IngressError('E_DNS', `update to ${server.host}:${server.port} failed: ${rcode}`);
}
