import ipaddr from 'ipaddr.js';
import { IngressError } from '../errors.js';

/**
 * Yggdrasil's node address, derived from its ed25519 public key as Yggdrasil
 * itself does (0.4 and 0.5 alike): the key is bit-inverted; the address is the
 * prefix 0x02, then the count of leading one bits, then the bits that follow
 * the first zero bit, truncated to 16 bytes. The controller derives the
 * address it signs instead of trusting the one a node reports.
 */

const PUBLIC_KEY = /^[0-9a-f]{64}$/;
const ADDRESS_PREFIX = 0x02;

export function isYggdrasilPublicKey(hex: string): boolean {
  return PUBLIC_KEY.test(hex);
}

export function yggdrasilAddress(publicKeyHex: string): string {
  if (!isYggdrasilPublicKey(publicKeyHex))
    throw new IngressError('E_VALIDATION', 'a Yggdrasil public key is 64 lower-case hex digits');
  const inverted = Buffer.from(publicKeyHex, 'hex').map((byte) => byte ^ 0xff);
  const bit = (index: number): number => ((inverted[index >> 3] ?? 0) >> (7 - (index & 7))) & 1;
  const total = inverted.length * 8;
  let ones = 0;
  while (ones < total && bit(ones) === 1) ones += 1;
  const bytes = [ADDRESS_PREFIX, ones];
  // The bits after the first zero, eight at a time, until the address is full.
  for (let start = ones + 1; bytes.length < 16 && start + 8 <= total; start += 8) {
    let value = 0;
    for (let i = 0; i < 8; i++) value = (value << 1) | bit(start + i);
    bytes.push(value);
  }
  while (bytes.length < 16) bytes.push(0);
  return ipaddr.fromByteArray(bytes).toString();
}

/** Whether two textual IPv6 addresses are the same address. */
export function sameIpv6(a: string, b: string): boolean {
  if (!ipaddr.IPv6.isValid(a) || !ipaddr.IPv6.isValid(b)) return false;
  return ipaddr.IPv6.parse(a).toNormalizedString() === ipaddr.IPv6.parse(b).toNormalizedString();
}
