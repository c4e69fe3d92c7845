import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sameIpv6, yggdrasilAddress } from '../../../src/stack/yggdrasil-address.js';

interface Vectors {
  vectors: { publicKey: string; address: string }[];
}
const { vectors } = JSON.parse(
  readFileSync(new URL('../../fixtures/stack/yggdrasil-addresses.json', import.meta.url), 'utf8'),
) as Vectors;

describe('yggdrasilAddress', () => {
  it.each(vectors)('$publicKey -> $address, as yggdrasil -address prints', ({ publicKey, address }) => {
    expect(yggdrasilAddress(publicKey)).toBe(address);
  });

  it.each(['', 'xyz', 'A'.repeat(64), '0'.repeat(63), `${'0'.repeat(64)}\n`])('refuses the key %j', (key) => {
    expect(() => yggdrasilAddress(key)).toThrow(/64 lower-case hex digits/);
  });

  it('compares IPv6 addresses by value', () => {
    expect(sameIpv6('200:e474:ace1:9350:df50:9748:8b3:dfe6', '0200:e474:ace1:9350:df50:9748:08b3:dfe6')).toBe(
      true,
    );
    expect(sameIpv6('200::1', '200::2')).toBe(false);
  });
});
