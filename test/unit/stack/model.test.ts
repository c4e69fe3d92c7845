import { describe, expect, it } from 'vitest';
import { inventorySans, stackNodes } from '../../../src/stack/model.js';

const vars: Record<string, Record<string, unknown>> = {
  'edge-1': { ansible_host: '198.51.100.10', ingress_public_addresses: ['198.51.100.10', '2001:db8::10'] },
  home: {
    ansible_host: 'home.example.net',
    ingress_underlay_address: '10.0.0.2',
    ingress_wans: [{ name: 'fibre', address: '203.0.113.7' }],
  },
};
const varsOf = (host: string) => vars[host] ?? {};

describe('inventorySans', () => {
  it('lists the name, a DNS ansible_host and every address once', () => {
    expect(inventorySans('home', varsOf('home'))).toEqual([
      'home',
      'home.example.net',
      '10.0.0.2',
      '203.0.113.7',
    ]);
    expect(inventorySans('edge-1', varsOf('edge-1'))).toEqual(['edge-1', '198.51.100.10', '2001:db8::10']);
  });
});

describe('stackNodes', () => {
  it('returns the ingress nodes then the local proxy', () => {
    const nodes = stackNodes({ ingress: ['edge-1'], localProxy: ['home'] }, varsOf);
    expect(nodes.map((n) => [n.name, n.role])).toEqual([
      ['edge-1', 'ingress'],
      ['home', 'local_proxy'],
    ]);
  });

  it('refuses a stack without ingress nodes, with two local proxies, or a proxy without WANs', () => {
    expect(() => stackNodes({ ingress: [], localProxy: ['home'] }, varsOf)).toThrow(
      /no host in group "ingress"/,
    );
    expect(() => stackNodes({ ingress: ['edge-1'], localProxy: ['home', 'x'] }, varsOf)).toThrow(
      /exactly one host/,
    );
    expect(() => stackNodes({ ingress: ['edge-1'], localProxy: ['edge-1'] }, varsOf)).toThrow(/both/);
    expect(() => stackNodes({ ingress: ['home'], localProxy: ['edge-1'] }, varsOf)).toThrow(
      /no ingress_wans/,
    );
  });
});
