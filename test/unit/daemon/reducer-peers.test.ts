import { describe, expect, it } from 'vitest';
import type { DaemonConfig } from '../../../src/daemon/config.js';
import { loadConfig, peerReport, peerUnreachable, Scenario, serviceRecords } from './harness.js';

const WWW = 'www.example.org';

/** ingress-1 serving (one path up), the name holding all three nodes, every peer seen once. */
function cluster(patch?: (c: DaemonConfig) => DaemonConfig): Scenario {
  const s = new Scenario(loadConfig('ingress.yml', patch));
  s.probes('wan1', '++');
  for (const peer of s.state.config.peers)
    s.at(s.nowMs + 1, { type: 'peer-status', peer: peer.name, ok: true, serving: true });
  s.at(s.nowMs + 1, serviceRecords(['203.0.113.1', '203.0.113.2', '203.0.113.3']));
  return s;
}

describe('peer records and quorum', () => {
  it('publishes nothing new while the records already match', () => {
    expect(cluster().of('dnsReplace')).toEqual([]);
  });

  it('a minority cannot remove a peer: our own vote alone is not enough', () => {
    const s = cluster();
    peerUnreachable(s, 'ingress-3');
    expect(s.state.peers['ingress-3']?.alive).toBe(false);
    expect(s.of('dnsReplace')).toEqual([]);
  });

  it('removes a dead peer once a majority of live ingress nodes agree', () => {
    const s = cluster();
    peerUnreachable(s, 'ingress-3');
    peerReport(s, 'ingress-2', ['ingress-3']);
    expect(s.of('dnsReplace')).toEqual([
      {
        kind: 'dnsReplace',
        name: WWW,
        type: 'A',
        expected: ['203.0.113.1', '203.0.113.2', '203.0.113.3'],
        wanted: ['203.0.113.1', '203.0.113.2'],
      },
    ]);
  });

  it('a vote from a peer we consider dead does not count', () => {
    const s = cluster();
    peerUnreachable(s, 'ingress-2');
    // ingress-2 comes back with one good report: not yet alive (rise 2), so its vote is ignored.
    s.at(s.nowMs + 1, {
      type: 'peer-status',
      peer: 'ingress-2',
      ok: true,
      serving: true,
      deadPeers: ['ingress-3'],
    });
    peerUnreachable(s, 'ingress-3');
    expect(s.of('dnsReplace').filter((e) => !e.wanted.includes('203.0.113.2'))).toEqual([]);
    expect(s.of('dnsReplace').filter((e) => !e.wanted.includes('203.0.113.3'))).toEqual([]);
  });

  it('never removes the last remaining record of the name', () => {
    // Two nodes, quorum 1: our vote alone may remove ingress-2, except that it holds the last record.
    const s = new Scenario(
      loadConfig('ingress.yml', (c) => ({ ...c, peers: c.peers.slice(0, 1), quorum: 1 })),
    );
    s.probes('wan1', '---');
    s.probes('wan2', '---');
    s.probes('mesh', '---');
    s.at(s.nowMs + 1, serviceRecords(['203.0.113.2']));
    peerUnreachable(s, 'ingress-2');
    peerUnreachable(s, 'ingress-2');
    expect(s.state.peers['ingress-2']?.alive).toBe(false);
    expect(s.of('dnsReplace')).toEqual([]);
    expect(s.of('log').filter((l) => l.msg === 'refusing to remove the last record')).toHaveLength(1);
    // With our own record back, the dead peer's may go.
    s.probes('wan1', '++');
    expect(s.of('dnsReplace')).toEqual([
      { kind: 'dnsReplace', name: WWW, type: 'A', expected: ['203.0.113.2'], wanted: ['203.0.113.1'] },
    ]);
  });

  it('puts a recovered peer back', () => {
    const s = cluster();
    peerUnreachable(s, 'ingress-3');
    peerReport(s, 'ingress-2', ['ingress-3']);
    s.at(s.nowMs + 1, {
      type: 'dns-result',
      name: WWW,
      rrtype: 'A',
      ok: true,
      wanted: ['203.0.113.1', '203.0.113.2'],
    });
    peerReport(s, 'ingress-2', []);
    s.at(s.nowMs + 1000, { type: 'peer-status', peer: 'ingress-3', ok: true, serving: true });
    s.at(s.nowMs + 1000, { type: 'peer-status', peer: 'ingress-3', ok: true, serving: true });
    expect(s.of('dnsReplace').at(-1)).toMatchObject({
      expected: ['203.0.113.1', '203.0.113.2'],
      wanted: ['203.0.113.1', '203.0.113.2', '203.0.113.3'],
    });
  });

  it('withdraws its own record when no path is up, and publishes it again when one is', () => {
    const s = cluster();
    s.probes('wan1', '---');
    expect(s.of('dnsReplace')).toEqual([]); // wan2 and mesh have no verdict yet: undecided, no change
    s.probes('wan2', '---');
    s.probes('mesh', '---');
    expect(s.of('dnsReplace').at(-1)).toMatchObject({ wanted: ['203.0.113.2', '203.0.113.3'] });
    s.at(s.nowMs + 1, {
      type: 'dns-result',
      name: WWW,
      rrtype: 'A',
      ok: true,
      wanted: ['203.0.113.2', '203.0.113.3'],
    });
    s.probes('mesh', '++');
    expect(s.of('dnsReplace').at(-1)).toMatchObject({
      wanted: ['203.0.113.1', '203.0.113.2', '203.0.113.3'],
    });
  });

  it('sends one replace at a time per record and re-reads after a failed compare-and-set', () => {
    const s = cluster();
    peerUnreachable(s, 'ingress-3');
    peerReport(s, 'ingress-2', ['ingress-3']);
    peerReport(s, 'ingress-2', ['ingress-3']);
    expect(s.of('dnsReplace')).toHaveLength(1);
    const effects = s.at(s.nowMs + 1, {
      type: 'dns-result',
      name: WWW,
      rrtype: 'A',
      ok: false,
      wanted: [],
      error: 'prerequisite failed',
    });
    expect(effects).toContainEqual({ kind: 'dnsRead', names: [WWW], types: ['A'] });
    expect(effects).toContainEqual({
      kind: 'metric',
      name: 'dns_updates_total',
      op: 'inc',
      value: 1,
      labels: { result: 'error' },
    });
  });
});

describe('make before break (ingress side)', () => {
  it('publishes its own address only after the local proxy allows it', () => {
    const s = new Scenario(
      loadConfig('ingress.yml', (c) => ({ ...c, localProxyStatusUrl: 'http://[200:abcd::1]:9105/status' })),
    );
    s.at(0, serviceRecords(['203.0.113.2']));
    s.probes('wan1', '++');
    expect(s.of('dnsReplace')).toEqual([]);
    s.at(s.nowMs + 1, { type: 'upstream-allow', ok: true, addresses: ['203.0.113.2'] });
    expect(s.of('dnsReplace')).toEqual([]);
    s.at(s.nowMs + 1, { type: 'upstream-allow', ok: true, addresses: ['203.0.113.1', '203.0.113.2'] });
    expect(s.of('dnsReplace')).toEqual([
      {
        kind: 'dnsReplace',
        name: WWW,
        type: 'A',
        expected: ['203.0.113.2'],
        wanted: ['203.0.113.1', '203.0.113.2'],
      },
    ]);
  });
});
