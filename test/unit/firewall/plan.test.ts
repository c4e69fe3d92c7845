import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nftSetFact, parseNftSetJson } from '../../../src/firewall/nft-json.js';
import { allowSetsDiffer, planAllowSets, splitAddresses } from '../../../src/firewall/plan.js';
import { planLocalProxyRuleset } from '../../../src/firewall/ruleset.js';

/** Outputs recorded from nftables 1.0.6 after applying these very scripts (record-nft.sh). */
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

describe('local proxy base ruleset', () => {
  const base = { ...target, wanInterfaces: ['eth0', 'eth1'], mtlsPorts: [8443], sshPort: 22 };

  it('lets only the allow-sets reach the mTLS port on the WAN interfaces, keeping SSH open', () => {
    expect(planLocalProxyRuleset(base)).toBe(
      [
        'add table inet ingress',
        'add set inet ingress ingress_v4 { type ipv4_addr; }',
        'add set inet ingress ingress_v6 { type ipv6_addr; }',
        'add chain inet ingress input { type filter hook input priority filter; policy accept; }',
        'flush chain inet ingress input',
        'add rule inet ingress input iifname { "eth0", "eth1" } tcp dport 22 accept',
        'add rule inet ingress input iifname { "eth0", "eth1" } tcp dport 8443 ip saddr @ingress_v4 accept',
        'add rule inet ingress input iifname { "eth0", "eth1" } tcp dport 8443 ip6 saddr @ingress_v6 accept',
        'add rule inet ingress input iifname { "eth0", "eth1" } tcp dport 8443 drop',
        '',
      ].join('\n'),
    );
  });

  it('matches what nft listed after applying it (twice) with the sets filled', () => {
    const listed = recorded('nft-list-table.txt');
    for (const rule of [
      'iifname { "eth0", "eth1" } tcp dport 22 accept',
      'iifname { "eth0", "eth1" } tcp dport 8443 ip saddr @ingress_v4 accept',
      'iifname { "eth0", "eth1" } tcp dport 8443 drop',
    ]) {
      expect(listed).toContain(rule);
    }
  });

  it('seeds the sets and handles a single interface and several ports', () => {
    const text = planLocalProxyRuleset({
      ...base,
      wanInterfaces: ['wan0'],
      mtlsPorts: [8443, 9443],
      initialAddresses: ['2001:db8::5'],
    });
    expect(text).toContain('add rule inet ingress input iifname "wan0" tcp dport { 8443, 9443 } drop');
    expect(text).toContain('add element inet ingress ingress_v6 { 2001:db8::5 }');
    expect(text).not.toContain('add element inet ingress ingress_v4');
  });

  it('refuses bad interfaces, ports and empty lists', () => {
    expect(() => planLocalProxyRuleset({ ...base, wanInterfaces: ['eth0" accept'] })).toThrow(/interface/);
    expect(() => planLocalProxyRuleset({ ...base, mtlsPorts: [70000] })).toThrow(/port/);
    expect(() => planLocalProxyRuleset({ ...base, wanInterfaces: [] })).toThrow(/at least one/);
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
    expect(parseNftSetJson(recorded('nft-list-set-seeded.json')).elements).toEqual(['192.0.2.1']);
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
