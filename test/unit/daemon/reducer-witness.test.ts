import { describe, expect, it } from 'vitest';
import { buildStatus } from '../../../src/daemon/status.js';
import { loadConfig, ofKind, peerReport, peerUnreachable, Scenario, serviceRecords } from './harness.js';

const WWW = 'www.example.org';
const ME = '203.0.113.1';
const PEER = '203.0.113.2';

/** ingress-1 of two, serving, both records published, ingress-2 and the witness (home) seen once. */
function pair(): Scenario {
  const s = new Scenario(loadConfig('ingress-pair.yml'));
  s.probes('wan1', '++');
  peerReport(s, 'ingress-2', []);
  peerReport(s, 'home', []);
  s.at(s.nowMs + 1, serviceRecords([ME, PEER]));
  return s;
}

describe('two ingress nodes and the local proxy as witness', () => {
  it('defaults the quorum to two of three voters', () => {
    expect(pair().state.config.quorum).toBe(2);
  });

  it('polls the other ingress node and the witness', () => {
    const s = new Scenario(loadConfig('ingress-pair.yml'));
    expect(ofKind(s.at(0, { type: 'tick' }), 'pollPeer')).toEqual([
      { kind: 'pollPeer', peer: 'ingress-2', url: 'https://[200:2::1]:9105/status' },
      { kind: 'pollPeer', peer: 'home', url: 'https://[200:1234::1]:9105/status' },
    ]);
  });

  it('removes a dead ingress node once the surviving node and the witness agree', () => {
    const s = pair();
    peerUnreachable(s, 'ingress-2');
    expect(s.state.peers['ingress-2']?.alive).toBe(false);
    expect(s.of('dnsReplace')).toEqual([]); // our vote alone: 1 of 2
    peerReport(s, 'home', ['ingress-2']);
    expect(s.of('dnsReplace')).toEqual([
      { kind: 'dnsReplace', name: WWW, type: 'A', expected: [ME, PEER], wanted: [ME] },
    ]);
  });

  it('an isolated node, seeing the peer and the witness dead, removes nothing', () => {
    const s = pair();
    // The witness's last word before we lost it was that ingress-2 is dead: stale, it must not count.
    peerReport(s, 'home', ['ingress-2']);
    peerUnreachable(s, 'home');
    peerUnreachable(s, 'ingress-2');
    expect(s.state.peers['home']?.alive).toBe(false);
    expect(s.state.peers['ingress-2']?.alive).toBe(false);
    expect(s.of('dnsReplace')).toEqual([]);
    expect(buildStatus(s.state, s.nowMs).deadPeers).toEqual(['ingress-2']);
  });

  it('never removes the last remaining record, even with a quorum', () => {
    const s = pair();
    s.probes('wan1', '---');
    s.probes('wan2', '---');
    s.probes('mesh', '---');
    s.at(s.nowMs + 1, { type: 'dns-result', name: WWW, rrtype: 'A', ok: true, wanted: [PEER] });
    s.at(s.nowMs + 1, serviceRecords([PEER]));
    const before = s.of('dnsReplace').length;
    peerUnreachable(s, 'ingress-2');
    peerReport(s, 'home', ['ingress-2']);
    expect(s.of('dnsReplace')).toHaveLength(before);
    expect(s.of('log').filter((l) => l.msg === 'refusing to remove the last record')).toHaveLength(1);
  });

  it('puts the recovered node back', () => {
    const s = pair();
    peerUnreachable(s, 'ingress-2');
    peerReport(s, 'home', ['ingress-2']);
    s.at(s.nowMs + 1, { type: 'dns-result', name: WWW, rrtype: 'A', ok: true, wanted: [ME] });
    // Back after `rise` good reports, while the witness has not yet noticed: one vote is no quorum.
    peerReport(s, 'ingress-2', []);
    peerReport(s, 'ingress-2', []);
    expect(s.state.peers['ingress-2']?.alive).toBe(true);
    expect(s.of('dnsReplace').at(-1)).toEqual({
      kind: 'dnsReplace',
      name: WWW,
      type: 'A',
      expected: [ME],
      wanted: [ME, PEER],
    });
  });

  it('never treats the witness as a target, nor publishes it as a dead peer', () => {
    const s = pair();
    peerUnreachable(s, 'home');
    peerReport(s, 'ingress-2', ['home']);
    expect(s.of('dnsReplace')).toEqual([]);
    const status = buildStatus(s.state, s.nowMs);
    expect(status.deadPeers).toEqual([]);
    expect(status.peers.map((p) => p.name)).toEqual(['ingress-2']);
    expect(status.witness).toMatchObject({ name: 'home', alive: false });
    expect(s.state.timeline.map((t) => `${t.subject}: ${t.to}`)).toContain('witness home: dead');
  });
});

describe('the local proxy watches the ingress nodes', () => {
  const local = (): Scenario =>
    new Scenario(
      loadConfig('local.yml', (c) => ({
        ...c,
        peers: [
          { name: 'ingress-1', statusUrl: 'https://[200:1::1]:9105/status', addresses: [] },
          { name: 'ingress-2', statusUrl: 'https://[200:2::1]:9105/status', addresses: [] },
        ],
      })),
    );

  it('polls them and reports the dead ones in its status, managing no records of theirs', () => {
    const s = local();
    expect(ofKind(s.at(0, { type: 'tick' }), 'pollPeer').map((e) => e.url)).toEqual([
      'https://[200:1::1]:9105/status',
      'https://[200:2::1]:9105/status',
    ]);
    s.at(1, {
      type: 'dns-observed',
      ok: true,
      records: [
        { name: 'home.mesh.example.org', type: 'A', addresses: [], ttlS: 60 },
        { name: 'home.mesh.example.org', type: 'AAAA', addresses: ['200:abcd::1'], ttlS: 60 },
      ],
    });
    peerReport(s, 'ingress-2', []);
    peerUnreachable(s, 'ingress-1');
    expect(buildStatus(s.state, s.nowMs).deadPeers).toEqual(['ingress-1']);
    expect(s.of('dnsReplace')).toEqual([]);
  });
});
