import { describe, expect, it } from 'vitest';
import { fleetRows, formatFleetTable } from '../../../src/metrics/fleet.js';
import { buildStatus } from '../../../src/daemon/status.js';
import { loadConfig, Scenario } from '../daemon/harness.js';

const DAY_MS = 86_400_000;

function ingressStatus() {
  const s = new Scenario(loadConfig('ingress.yml'));
  s.probes('wan1', '++');
  s.probes('wan2', '---');
  s.at(s.nowMs + 1, {
    type: 'dns-observed',
    ok: true,
    records: [
      { name: 'www.example.org', type: 'A', addresses: ['203.0.113.1', '203.0.113.2'], ttlS: 60 },
      { name: 'www.example.org', type: 'AAAA', addresses: [], ttlS: 60 },
    ],
  });
  s.at(s.nowMs + 1, {
    type: 'cert-read',
    path: '/etc/ingress/node.crt',
    notAfterMs: s.nowMs + 20.5 * DAY_MS,
  });
  return buildStatus(s.state, s.nowMs);
}

describe('the fleet table of `ingress status`', () => {
  it('shows each path with state, RTT or reason, the published records and the days left', () => {
    const status = ingressStatus();
    expect(status.certificates).toEqual([
      { path: '/etc/ingress/node.crt', notAfter: expect.any(String), daysLeft: 20 },
    ]);
    const [row] = fleetRows([{ host: 'ingress-1', status }]);
    expect(row).toEqual({
      host: 'ingress-1',
      mode: 'ingress',
      serving: 'yes',
      paths: 'IPv4 wan1 up 10ms, wan2 down (3 probes failed: timeout); mesh unknown',
      dns: 'www.example.org A=203.0.113.1,203.0.113.2 AAAA=(none)',
      allowSet: '-',
      certDays: '20',
    });
  });

  it('shows a WAN steered below full weight with the reason, and the quality in /status', () => {
    const s = new Scenario(loadConfig('ingress.yml'));
    for (let i = 0; i < 12; i += 1) {
      s.at(s.nowMs + 1000, { type: 'probe', path: 'wan1', ok: true, rttMs: 10 });
      s.at(s.nowMs + 1, { type: 'probe', path: 'wan2', ok: i % 3 !== 0, rttMs: 300, reason: 'timeout' });
    }
    const status = buildStatus(s.state, s.nowMs);
    const wan2 = status.paths.find((p) => p.name === 'wan2');
    expect(wan2?.weight).toBeLessThan(100);
    expect(wan2?.quality).toMatchObject({ samples: 10, rttMeanMs: 300, jitterMs: 0 });
    expect(status.paths.find((p) => p.name === 'mesh')?.weight).toBeNull();
    const [row] = fleetRows([{ host: 'ingress-1', status }]);
    expect(row?.paths).toMatch(
      new RegExp(
        `wan2 up \\d+(\\.\\d)?ms weight ${wan2?.weight} \\(cost \\d+ ms vs 10 ms on wan1 .*loss \\d+%, rtt 300 ms, jitter 0 ms\\)`,
      ),
    );
    expect(row?.paths).toMatch(/^IPv4 wan1 up 10ms, /);
  });

  it('groups the paths by address family and shows A and AAAA of each published name', () => {
    const dual = loadConfig('ingress.yml', (c) => ({
      ...c,
      dns: c.dns && { ...c.dns, addresses: ['203.0.113.1', '2001:db8::1'] },
      paths: [
        ...c.paths.filter((p) => p.kind === 'wan'),
        ...c.paths
          .filter((p) => p.kind === 'wan')
          .map((p, i) => ({
            ...p,
            name: `${p.name}-v6`,
            server: `${p.name}-v6`,
            address: `2001:db8:${i + 1}::10`,
          })),
        ...c.paths.filter((p) => p.kind === 'mesh'),
      ],
    }));
    const s = new Scenario(dual);
    for (const path of ['wan1', 'wan2', 'wan1-v6', 'wan2-v6', 'mesh']) s.probes(path, '++');
    s.at(s.nowMs + 1, {
      type: 'dns-observed',
      ok: true,
      records: [
        { name: 'www.example.org', type: 'A', addresses: ['203.0.113.1'], ttlS: 60 },
        { name: 'www.example.org', type: 'AAAA', addresses: ['2001:db8::1'], ttlS: 60 },
      ],
    });
    const status = buildStatus(s.state, s.nowMs);
    expect(status.paths.map((p) => [p.name, p.family])).toEqual([
      ['wan1', 4],
      ['wan2', 4],
      ['wan1-v6', 6],
      ['wan2-v6', 6],
      ['mesh', 6],
    ]);
    const [row] = fleetRows([{ host: 'ingress-1', status }]);
    expect(row?.paths).toBe(
      'IPv4 wan1 up 10ms, wan2 up 10ms; IPv6 wan1-v6 up 10ms, wan2-v6 up 10ms; mesh up 10ms',
    );
    expect(row?.dns).toBe('www.example.org A=203.0.113.1 AAAA=2001:db8::1');
  });

  it("shows the local proxy's allow-set by kernel set, one per address family", () => {
    const s = new Scenario(loadConfig('local.yml'));
    s.at(1, { type: 'firewall-result', ok: true, addresses: ['203.0.113.2', '2001:db8::2', '203.0.113.1'] });
    const status = buildStatus(s.state, 1);
    expect(status.allowSets).toEqual({
      ingress_v4: ['203.0.113.1', '203.0.113.2'],
      ingress_v6: ['2001:db8::2'],
    });
    const [row] = fleetRows([{ host: 'home', status }]);
    expect(row?.allowSet).toBe('ingress_v4=203.0.113.1,203.0.113.2; ingress_v6=2001:db8::2');
    s.at(2, { type: 'firewall-result', ok: true, addresses: ['203.0.113.1'] });
    expect(fleetRows([{ host: 'home', status: buildStatus(s.state, 2) }])[0]?.allowSet).toBe(
      'ingress_v4=203.0.113.1; ingress_v6=(empty)',
    );
  });

  it('says when the allow-set is kept because a DNS answer was refused', () => {
    const s = new Scenario(loadConfig('local.yml'));
    s.at(1, { type: 'dns-observed', ok: false, names: ['ingress-1.nodes.example.org'], error: 'spoofed' });
    const [row] = fleetRows([{ host: 'home', status: buildStatus(s.state, 1) }]);
    expect(row?.allowSet).toBe(
      '- (kept: DNS answer for ingress-1.nodes.example.org refused, read-failed: spoofed)',
    );
  });

  it('pads columns to the widest cell and reports unreachable hosts with the reason', () => {
    const text = formatFleetTable(
      fleetRows([
        { host: 'ingress-1', status: ingressStatus() },
        { host: 'home', error: 'connect ECONNREFUSED 10.0.0.2:22' },
      ]),
    );
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^HOST {7}MODE {5}SERVING {2}PATHS/);
    expect(lines[2]).toMatch(/^home {7}- {8}- {8}unreachable: connect ECONNREFUSED 10\.0\.0\.2:22/);
    const pathsColumn = lines[0]!.indexOf('PATHS');
    expect(lines[1]!.indexOf('IPv4 wan1 up')).toBe(pathsColumn);
  });
});
