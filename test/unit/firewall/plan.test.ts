import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nftSetFact, parseNftSetJson } from '../../../src/firewall/nft-json.js';
import { allowSetsDiffer, planAllowSets, splitAddresses } from '../../../src/firewall/plan.js';
import { readStackInventory, renderStackTemplate } from '../../support/stack-templates.js';

/** Outputs recorded from a real nftables after applying these very scripts (record-nft.ts). */
function recorded(name: string): string {
  return readFileSync(new URL(`../../fixtures/daemon/${name}`, import.meta.url), 'utf8');
}

const target = { family: 'inet', table: 'ingress', setV4: 'ingress_v4', setV6: 'ingress_v6' } as const;

describe('allow-set planner', () => {
  it('replaces both sets in one script, sorted and de-duplicated', () => {
    expect(
      planAllowSets(target, ['203.0.113.2', '203.0.113.1', '2001:DB8::2', '2001:db8::1', '203.0.113.1']),
    ).toBe(
      [
        'flush set inet ingress ingress_v4',
        'add element inet ingress ingress_v4 { 203.0.113.1, 203.0.113.2 }',
        'flush set inet ingress ingress_v6',
        'add element inet ingress ingress_v6 { 2001:db8::1, 2001:db8::2 }',
        '',
      ].join('\n'),
    );
  });

  it('flushes a family with no address and adds nothing to it', () => {
    expect(planAllowSets(target, ['192.0.2.1'])).toBe(
      'flush set inet ingress ingress_v4\nadd element inet ingress ingress_v4 { 192.0.2.1 }\nflush set inet ingress ingress_v6\n',
    );
  });

  it('refuses anything but IP addresses and plain names', () => {
    expect(() => planAllowSets(target, ['ingress-1.example.org'])).toThrow(/not an IP address/);
    expect(() => planAllowSets({ ...target, setV4: 'x; flush ruleset' }, [])).toThrow(
      /invalid nftables set name/,
    );
    expect(() => planAllowSets({ ...target, table: '' }, [])).toThrow(/table/);
  });

  it('tells when the kernel set already holds the wanted addresses', () => {
    const current = splitAddresses(['203.0.113.1', '2001:db8::1']);
    expect(allowSetsDiffer(current, ['2001:db8::1', '203.0.113.1'])).toBe(false);
    expect(allowSetsDiffer(current, ['203.0.113.1'])).toBe(true);
    expect(allowSetsDiffer(current, ['203.0.113.1', '2001:db8::1', '203.0.113.9'])).toBe(true);
  });
});

describe('the shipped firewall (playbooks/templates/firewall.nft.j2)', () => {
  const render = async (): Promise<string> =>
    renderStackTemplate(
      'firewall.nft.j2',
      'local-proxy',
      await readStackInventory(new URL('../../fixtures/daemon/firewall-inventory.yml', import.meta.url)),
    );

  it("seeds the allow-sets with each ingress node's egress (else public) addresses", async () => {
    const text = await render();
    expect(text).toContain('elements = { 192.0.2.1, 198.51.100.3 }');
    expect(text).toContain('elements = { 2001:db8:100::3 }');
    expect(text).not.toContain('198.51.100.2');
  });

  it('lets only the allow-sets reach the mTLS ports of each WAN address, as nft listed it', () => {
    // Recorded after applying the rendered file twice, then the planner's set scripts.
    const listed = recorded('nft-list-table.txt');
    for (const rule of [
      'tcp dport 22 accept',
      'ip daddr 203.0.113.10 tcp dport { 8080, 8443, 8444 } ip saddr @ingress_v4 accept',
      'ip daddr 203.0.113.10 tcp dport { 8080, 8443, 8444 } drop',
      'ip6 daddr 2001:db8:2::11 tcp dport { 8080, 8443, 8444 } ip6 saddr @ingress_v6 accept',
      'ip6 daddr 2001:db8:2::11 tcp dport { 8080, 8443, 8444 } drop',
    ]) {
      expect(listed).toContain(rule);
    }
  });
});

describe('nft -j list set parser', () => {
  it('reads the elements nft reported', () => {
    expect(parseNftSetJson(recorded('nft-list-set-v4.json'))).toEqual({
      family: 'inet',
      table: 'ingress',
      name: 'ingress_v4',
      type: 'ipv4_addr',
      elements: ['203.0.113.1', '203.0.113.2'],
    });
    expect(parseNftSetJson(recorded('nft-list-set-v6.json')).elements).toEqual([
      '2001:db8::1',
      '2001:db8::2',
    ]);
    expect(parseNftSetJson(recorded('nft-list-set-seeded.json')).elements).toEqual([
      '192.0.2.1',
      '198.51.100.3',
    ]);
  });

  it('reads an empty set as no elements', () => {
    expect(parseNftSetJson(recorded('nft-list-set-empty.json')).elements).toEqual([]);
  });

  it('reads prefixes, ranges and timed elements', () => {
    const json = JSON.stringify({
      nftables: [
        {
          set: {
            family: 'inet',
            table: 't',
            name: 's',
            type: 'ipv4_addr',
            elem: [
              { prefix: { addr: '10.0.0.0', len: 8 } },
              { range: ['10.1.0.1', '10.1.0.9'] },
              { elem: { val: '192.0.2.7', timeout: 60 } },
            ],
          },
        },
      ],
    });
    expect(parseNftSetJson(json).elements).toEqual(['10.0.0.0/8', '10.1.0.1-10.1.0.9', '192.0.2.7']);
  });

  it('rejects output that is not a set listing', () => {
    expect(() => parseNftSetJson('Error: x')).toThrow(/not JSON/);
    expect(() => parseNftSetJson('{"nftables":[{"metainfo":{}}]}')).toThrow(/no set/);
  });

  it('as a fact: a missing set reads as null, other failures throw', () => {
    const fact = nftSetFact('inet', 'ingress', 'absent');
    expect(fact.command()).toBe('nft -j list set inet ingress absent');
    expect(fact.parse({ rc: 1, stdout: '', stderr: recorded('nft-list-set-absent.stderr.txt') })).toBeNull();
    expect(() => fact.parse({ rc: 1, stdout: '', stderr: 'Operation not permitted' })).toThrow(
      /Operation not permitted/,
    );
    expect(
      fact.parse({ rc: 0, stdout: recorded('nft-list-set-v4.json'), stderr: '' })?.elements,
    ).toHaveLength(2);
  });
});
