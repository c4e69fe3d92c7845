import { describe, expect, it } from 'vitest';
import { firstFreeBase, isPoolOverlap, usedBases } from '../../../src/lab/address-pool.js';
import { IngressError } from '../../../src/errors.js';

describe('the lab address pool', () => {
  it('reads the bases other networks hold, from both families, and ignores other ranges', () => {
    const used = usedBases([
      '10.238.1.0/24',
      'fd1e:241:2::/64',
      '172.17.0.0/16',
      '192.168.3.0/24',
      'fd00::/64',
    ]);
    expect([...used].sort()).toEqual([238, 241]);
  });

  it('keeps the preferred base when free, else takes the next free one, wrapping past 255', () => {
    expect(firstFreeBase(238, new Set([240]))).toBe(238);
    expect(firstFreeBase(238, new Set([238, 239]))).toBe(240);
    expect(firstFreeBase(255, new Set([255]))).toBe(1);
    expect(firstFreeBase(238, new Set(), new Set([238]))).toBe(239);
  });

  it('says when every range is taken', () => {
    const all = new Set(Array.from({ length: 255 }, (_, i) => i + 1));
    expect(() => firstFreeBase(240, all)).toThrow(/no free 10\.x/);
  });

  it("recognises Docker's overlap refusal through a wrapped cause", () => {
    const wrapped = new IngressError('E_DOCKER', 'docker: create network', {
      cause: new Error('(HTTP code 403) unexpected - Pool overlaps with other one on this address space'),
    });
    expect(isPoolOverlap(wrapped)).toBe(true);
    expect(isPoolOverlap(new Error('network exists'))).toBe(false);
  });
});
