import { describe, expect, it } from 'vitest';
import type { DaemonEvent } from '../../../src/daemon/types.js';
import { refreshDelayMs } from '../../../src/daemon/timers.js';
import { loadConfig, ofKind, Scenario, serviceRecords } from './harness.js';

const N1 = 'ingress-1.nodes.example.org';
const N2 = 'ingress-2.nodes.example.org';

function resolved(n1: string[], n2: string[], ttlS = 60): DaemonEvent {
  const rec = (name: string, addresses: string[]) => [
    { name, type: 'A' as const, addresses: addresses.filter((a) => !a.includes(':')), ttlS },
    { name, type: 'AAAA' as const, addresses: addresses.filter((a) => a.includes(':')), ttlS },
  ];
  return { type: 'dns-observed', ok: true, records: [...rec(N1, n1), ...rec(N2, n2)] };
}

/** The local proxy with a confirmed allow-set of both ingress nodes, both published. */
function settled(): Scenario {
  const s = new Scenario(loadConfig('local.yml'));
  s.at(0, serviceRecords(['203.0.113.1', '203.0.113.2']));
  s.at(1, resolved(['203.0.113.1', '2001:db8::1'], ['203.0.113.2']));
  s.at(2, { type: 'firewall-result', ok: true, addresses: ['203.0.113.1', '203.0.113.2', '2001:db8::1'] });
  return s;
}

describe('local mode: allow-sets follow the ingress names', () => {
  it('replaces the allow-set with both families in one effect, then waits for the result', () => {
    const s = new Scenario(loadConfig('local.yml'));
    const effects = s.at(1, resolved(['203.0.113.1', '2001:db8::1'], ['203.0.113.2']));
    expect(ofKind(effects, 'firewallReplace')).toEqual([
      {
        kind: 'firewallReplace',
        table: 'ingress',
        setV4: 'ingress_v4',
        setV6: 'ingress_v6',
        addresses: ['2001:db8::1', '203.0.113.1', '203.0.113.2'],
      },
    ]);
    expect(ofKind(s.at(2, { type: 'tick' }), 'firewallReplace')).toEqual([]);
  });

  it('does nothing when the resolved set equals the confirmed set', () => {
    const s = settled();
    const effects = s.at(100_000, resolved(['2001:db8::1', '203.0.113.1'], ['203.0.113.2']));
    expect(ofKind(effects, 'firewallReplace')).toEqual([]);
    expect(s.of('firewallReplace')).toHaveLength(1);
  });

  it('keeps the last good set when resolution fails, and retries at the TTL floor', () => {
    const s = settled();
    const effects = s.at(100_000, { type: 'dns-observed', ok: false, names: [N1, N2], error: 'SERVFAIL' });
    expect(ofKind(effects, 'firewallReplace')).toEqual([]);
    expect(s.state.firewall.confirmed).toEqual(['2001:db8::1', '203.0.113.1', '203.0.113.2']);
    expect(s.state.timers.resolve).toBe(130_000);
  });

  it('treats an answer with no address at all like a failure', () => {
    const s = settled();
    const effects = s.at(100_000, resolved([], []));
    expect(ofKind(effects, 'firewallReplace')).toEqual([]);
    expect(ofKind(effects, 'log').map((l) => l.msg)).toContain(
      'ingress names resolved to nothing; keeping last known good',
    );
  });

  it('retries a failed nft run later, not in a loop', () => {
    const s = new Scenario(loadConfig('local.yml'));
    s.at(1, resolved(['203.0.113.1'], ['203.0.113.2']));
    s.at(2, { type: 'firewall-result', ok: false, addresses: [], error: 'nft: permission denied' });
    expect(ofKind(s.at(3, { type: 'tick' }), 'firewallReplace')).toEqual([]);
    expect(ofKind(s.at(5002, { type: 'tick' }), 'firewallReplace')).toHaveLength(1);
  });

  it('schedules the next resolution at the clamped TTL', () => {
    const s = settled();
    s.at(10_000, resolved(['203.0.113.1'], ['203.0.113.2'], 5));
    expect(s.state.timers.resolve).toBe(40_000);
    s.at(20_000, resolved(['203.0.113.1'], ['203.0.113.2'], 86_400));
    expect(s.state.timers.resolve).toBe(320_000);
    expect(refreshDelayMs(120, 30, 300)).toBe(120_000);
  });
});

describe('make before break (local side)', () => {
  it('a new ingress address enters the allow-set at once', () => {
    const s = settled();
    const effects = s.at(10_000, resolved(['203.0.113.1', '2001:db8::1'], ['203.0.113.2', '203.0.113.9']));
    expect(ofKind(effects, 'firewallReplace')[0]?.addresses).toContain('203.0.113.9');
  });

  it('a removed address leaves the allow-set only after it is gone from the public records', () => {
    const s = settled();
    // ingress-2 renumbered: its old address must stay allowed while clients may still be sent to it.
    let effects = s.at(10_000, resolved(['203.0.113.1', '2001:db8::1'], ['203.0.113.7']));
    expect(ofKind(effects, 'firewallReplace')[0]?.addresses).toEqual([
      '2001:db8::1',
      '203.0.113.1',
      '203.0.113.2',
      '203.0.113.7',
    ]);
    s.at(10_001, {
      type: 'firewall-result',
      ok: true,
      addresses: ['2001:db8::1', '203.0.113.1', '203.0.113.2', '203.0.113.7'],
    });
    effects = s.at(20_000, serviceRecords(['203.0.113.1', '203.0.113.7']));
    expect(ofKind(effects, 'firewallReplace')[0]?.addresses).toEqual([
      '2001:db8::1',
      '203.0.113.1',
      '203.0.113.7',
    ]);
  });

  it('publishes its own mesh AAAA', () => {
    const s = new Scenario(loadConfig('local.yml'));
    const effects = s.at(1, {
      type: 'dns-observed',
      ok: true,
      records: [
        { name: 'home.mesh.example.org', type: 'A', addresses: [], ttlS: 60 },
        { name: 'home.mesh.example.org', type: 'AAAA', addresses: [], ttlS: 60 },
      ],
    });
    expect(ofKind(effects, 'dnsReplace')).toEqual([
      {
        kind: 'dnsReplace',
        name: 'home.mesh.example.org',
        type: 'AAAA',
        expected: [],
        wanted: ['200:abcd::1'],
      },
    ]);
  });
});

describe('timers and certificates', () => {
  it('the first tick asks for everything a local node needs', () => {
    const s = new Scenario(loadConfig('local.yml'));
    const kinds = s.at(0, { type: 'tick' }).map((e) => e.kind);
    expect(kinds).toEqual(['dnsRead', 'dnsRead', 'firewallRead', 'log']);
    expect(ofKind(s.at(500, { type: 'tick' }), 'dnsRead')).toEqual([]);
  });

  it('an ingress node probes every path each interval', () => {
    const s = new Scenario(loadConfig('ingress.yml'));
    const first = s.at(0, { type: 'tick' });
    expect(ofKind(first, 'probe').map((p) => p.path)).toEqual(['wan1', 'wan2', 'mesh']);
    expect(ofKind(first, 'pollPeer').map((p) => p.peer)).toEqual(['ingress-2', 'ingress-3']);
    expect(ofKind(first, 'readCert')).toEqual([{ kind: 'readCert', path: '/etc/ingress/node.crt' }]);
    expect(ofKind(s.at(999, { type: 'tick' }), 'probe')).toEqual([]);
    expect(ofKind(s.at(1000, { type: 'tick' }), 'probe')).toHaveLength(3);
  });

  it('reports days left and warns under the threshold', () => {
    const s = new Scenario(loadConfig('ingress.yml'));
    const day = 86_400_000;
    const ok = s.at(0, { type: 'cert-read', path: '/etc/ingress/node.crt', notAfterMs: 60 * day });
    expect(ok).toEqual([
      {
        kind: 'metric',
        name: 'cert_expiry_seconds',
        op: 'set',
        value: 60 * 86_400,
        labels: { path: '/etc/ingress/node.crt' },
      },
    ]);
    const soon = s.at(50 * day, { type: 'cert-read', path: '/etc/ingress/node.crt', notAfterMs: 60 * day });
    expect(ofKind(soon, 'log')).toMatchObject([
      { level: 'warn', msg: 'certificate expires soon', fields: { daysLeft: 10 } },
    ]);
  });
});
