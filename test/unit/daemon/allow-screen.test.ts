import { describe, expect, it } from 'vitest';
import { refusedAddressReason, screenName } from '../../../src/daemon/allow-screen.js';
import type { DaemonEvent } from '../../../src/daemon/types.js';
import { buildStatus } from '../../../src/daemon/status.js';
import { loadConfig, ofKind, Scenario } from './harness.js';

const N1 = 'ingress-1.nodes.example.org';
const N2 = 'ingress-2.nodes.example.org';

function resolved(n1: string[], n2: string[]): DaemonEvent {
  const rec = (name: string, addresses: string[]) => [
    { name, type: 'A' as const, addresses: addresses.filter((a) => !a.includes(':')), ttlS: 60 },
    { name, type: 'AAAA' as const, addresses: addresses.filter((a) => a.includes(':')), ttlS: 60 },
  ];
  return { type: 'dns-observed', ok: true, records: [...rec(N1, n1), ...rec(N2, n2)] };
}

/** A local proxy whose allow-set holds both nodes. */
function settled(): Scenario {
  const s = new Scenario(loadConfig('local.yml'));
  s.at(1, resolved(['203.0.113.1'], ['203.0.113.2']));
  s.at(2, { type: 'firewall-result', ok: true, addresses: ['203.0.113.1', '203.0.113.2'] });
  return s;
}

const many = (n: number): string[] => Array.from({ length: n }, (_, i) => `198.51.${i >> 8}.${i & 255}`);

describe('addresses never admitted from DNS', () => {
  it.each([
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['169.254.1.1', 'linkLocal'],
    ['fe80::1', 'linkLocal'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::ffff:127.0.0.1', 'loopback'],
  ])('%s is refused as %s', (address, reason) => {
    expect(refusedAddressReason(address)).toBe(reason);
  });

  it('admits ordinary unicast addresses', () => {
    expect(refusedAddressReason('203.0.113.7')).toBeUndefined();
    expect(refusedAddressReason('2001:db8::7')).toBeUndefined();
  });

  it('rejects a name with more addresses than the bound as a whole', () => {
    expect(screenName(many(17), 16)).toMatchObject({ kept: [], rejected: expect.stringContaining('17') });
    expect(screenName(many(16), 16).kept).toHaveLength(16);
  });
});

describe('the allow-set under hostile DNS answers', () => {
  it('drops unspecified, loopback and multicast addresses and admits the rest', () => {
    const s = settled();
    const effects = s.at(
      100_000,
      resolved(['203.0.113.1', '0.0.0.0', '127.0.0.1', '224.0.0.1'], ['203.0.113.2']),
    );
    expect(ofKind(effects, 'firewallReplace')).toEqual([]);
    expect(s.state.firewall.resolved).toEqual(['203.0.113.1', '203.0.113.2']);
    const dropped = ofKind(effects, 'metric').filter((m) => m.name === 'dns_answers_rejected_total');
    expect(dropped.map((m) => m.labels.reason).sort()).toEqual(['loopback', 'multicast', 'unspecified']);
  });

  it('keeps the last good set when a name has 500 addresses, and says so in logs, metrics and status', () => {
    const s = settled();
    const effects = s.at(100_000, resolved(many(500), ['203.0.113.2', '203.0.113.9']));
    expect(ofKind(effects, 'firewallReplace')).toEqual([]);
    expect(s.state.firewall.resolved).toEqual(['203.0.113.1', '203.0.113.2']);
    expect(ofKind(effects, 'log').some((l) => l.level === 'warn' && l.fields.name === N1)).toBe(true);
    expect(ofKind(effects, 'metric')).toContainEqual(
      expect.objectContaining({
        name: 'dns_answers_rejected_total',
        labels: { name: N1, reason: 'too-many-addresses' },
      }),
    );
    expect(buildStatus(s.state, 100_000).dnsRejected).toMatchObject({
      name: N1,
      reason: expect.stringContaining('500'),
    });
  });

  it('records a failed (refused) read in the status, and clears it after a good answer', () => {
    const s = settled();
    s.at(100_000, { type: 'dns-observed', ok: false, names: [N1, N2], error: 'answer refused: not ours' });
    expect(buildStatus(s.state, 100_000).dnsRejected).toMatchObject({
      reason: expect.stringContaining('not ours'),
    });
    expect(s.state.firewall.resolved).toEqual(['203.0.113.1', '203.0.113.2']);
    s.at(200_000, resolved(['203.0.113.1'], ['203.0.113.2']));
    expect(buildStatus(s.state, 200_000).dnsRejected).toBeNull();
  });
});
