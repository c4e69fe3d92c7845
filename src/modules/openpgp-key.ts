import { createHash } from 'node:crypto';

/** A key read from OpenPGP data: primary keys with their subkeys, fingerprints in upper-case hex. */
export interface PgpKey {
  fingerprint: string;
  subkeys: string[];
}

export interface PgpKeyData {
  keys: PgpKey[];
  armored: boolean;
}

const ARMOR = /-----BEGIN PGP PUBLIC KEY BLOCK-----\r?\n([\s\S]*?)-----END PGP PUBLIC KEY BLOCK-----/;
const PUBLIC_KEY = 6;
const PUBLIC_SUBKEY = 14;

/** The base64 body of an armored block: after the header lines' blank line, without the CRC line. */
function dearmor(text: string): Buffer | undefined {
  const body = ARMOR.exec(text)?.[1];
  if (body === undefined) return undefined;
  const lines = body.split(/\r?\n/);
  const blank = lines.findIndex((l) => l.trim() === '');
  const data = lines.slice(blank + 1).filter((l) => l.trim() !== '' && !l.startsWith('='));
  const joined = data.join('').trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(joined)) return undefined;
  return Buffer.from(joined, 'base64');
}

interface Packet {
  tag: number;
  body: Buffer;
}

/** Reads one packet header (old or new format), or undefined when the bytes are not packets. */
function packetAt(bytes: Buffer, at: number): { packet: Packet; next: number } | undefined {
  const head = bytes[at];
  if (head === undefined || (head & 0x80) === 0) return undefined;
  let tag: number;
  let len: number;
  let start: number;
  if (head & 0x40) {
    tag = head & 0x3f;
    const first = bytes[at + 1] ?? 256;
    if (first < 192) [len, start] = [first, at + 2];
    else if (first < 224) [len, start] = [((first - 192) << 8) + (bytes[at + 2] ?? 0) + 192, at + 3];
    else if (first === 255) [len, start] = [bytes.readUInt32BE(at + 2), at + 6];
    else return undefined; // partial lengths never occur in key material
  } else {
    tag = (head >> 2) & 0x0f;
    const type = head & 0x03;
    if (type === 3) return undefined;
    const size = [1, 2, 4][type] as number;
    if (at + 1 + size > bytes.length) return undefined;
    len =
      size === 1
        ? (bytes[at + 1] as number)
        : size === 2
          ? bytes.readUInt16BE(at + 1)
          : bytes.readUInt32BE(at + 1);
    start = at + 1 + size;
  }
  if (start + len > bytes.length) return undefined;
  return { packet: { tag, body: bytes.subarray(start, start + len) }, next: start + len };
}

/** RFC 4880 v4: SHA-1 over 0x99, a 2-byte length and the key; RFC 9580 v6: SHA-256 over 0x9B, 4 bytes. */
function fingerprint(body: Buffer): string | undefined {
  const version = body[0];
  const prefix = Buffer.alloc(version === 6 ? 5 : 3);
  if (version === 4) {
    prefix[0] = 0x99;
    prefix.writeUInt16BE(body.length, 1);
    return createHash('sha1').update(prefix).update(body).digest('hex').toUpperCase();
  }
  if (version === 6) {
    prefix[0] = 0x9b;
    prefix.writeUInt32BE(body.length, 1);
    return createHash('sha256').update(prefix).update(body).digest('hex').toUpperCase();
  }
  return undefined;
}

/**
 * Public keys in armored or binary OpenPGP data, read here rather than on the host
 * (which may have no gpg): anything else, or a key of an unknown version, is refused.
 */
export function readPgpKeys(data: Buffer): PgpKeyData | undefined {
  const text = data.toString('latin1');
  const armored = ARMOR.test(text);
  const bytes = armored ? dearmor(text) : data;
  if (!bytes || bytes.length === 0) return undefined;
  const keys: PgpKey[] = [];
  for (let at = 0; at < bytes.length;) {
    const read = packetAt(bytes, at);
    if (!read) return undefined;
    at = read.next;
    const { tag, body } = read.packet;
    if (tag !== PUBLIC_KEY && tag !== PUBLIC_SUBKEY) continue;
    const fpr = fingerprint(body);
    if (fpr === undefined) return undefined;
    if (tag === PUBLIC_KEY) keys.push({ fingerprint: fpr, subkeys: [] });
    else keys[keys.length - 1]?.subkeys.push(fpr);
  }
  return keys.length > 0 ? { keys, armored } : undefined;
}

/** An `id` as apt-key takes it (short, long or full, with or without 0x), upper-case hex. */
export function normaliseKeyId(id: string): string | undefined {
  const hex = id.replace(/\s+/g, '').replace(/^0x/i, '').toUpperCase();
  return /^([0-9A-F]{8}|[0-9A-F]{16}|[0-9A-F]{40}|[0-9A-F]{64})$/.test(hex) ? hex : undefined;
}

/** Whether a primary key or one of its subkeys is the one `id` names (ids are fingerprint suffixes). */
export function keyMatches(key: PgpKey, id: string): boolean {
  return [key.fingerprint, ...key.subkeys].some((fpr) => fpr.endsWith(id));
}
