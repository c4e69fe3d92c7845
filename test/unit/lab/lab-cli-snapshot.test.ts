import { describe, expect, it } from 'vitest';
import {
  daemonFacts,
  diffSnapshots,
  dnsFacts,
  formatSnapshot,
  haproxyFacts,
  unhealthyPaths,
} from '../../../src/lab/lab-cli-snapshot.js';
import type { DaemonStatus } from '../../../src/metrics/status.js';

const STAT = [
  '# pxname,svname,status',
  'relay_https,FRONTEND,OPEN',
  'to_proxy_https,wan1,UP',
  'to_proxy_https,wan2,DOWN',
  'to_proxy_https,wan1-v6,UP',
  'to_proxy_https,mesh,UP',
  'to_proxy_https,BACKEND,UP',
  'to_proxy_http,wan1,UP',
  '',
].join('\n');

const status = (over: Partial<DaemonStatus>): DaemonStatus => ({
  node: 'proxy',
  mode: 'local',
  time: '2025-01-01T00:00:00.000Z',
  serving: true,
  paths: [],
  peers: [],
  witness: null,
  deadPeers: [],
  allowSet: null,
  records: {},
  certificates: [],
  timeline: [],
  ...over,
});

describe('lab snapshots', () => {
  it("reads the https relay's servers from HAProxy's stat lines", () => {
    expect(haproxyFacts('ingress-1', STAT)).toEqual({
      'ingress-1: haproxy path wan1': 'UP',
      'ingress-1: haproxy path wan2': 'DOWN',
      'ingress-1: haproxy path wan1-v6': 'UP',
      'ingress-1: haproxy path mesh': 'UP',
    });
  });

  it("reads a daemon's paths, records and allow-sets, or says it is unreachable", () => {
    const facts = daemonFacts({
      host: 'proxy',
      status: status({
        paths: [{ name: 'wan1', kind: 'wan', state: 'down' } as DaemonStatus['paths'][number]],
        records: { 'app.ingress.test/A': ['10.1.1.12', '10.1.1.11'], 'app.ingress.test/AAAA': [] },
        allowSet: ['10.1.2.12', '10.1.2.11', 'fd1e:1:2::11'],
        allowSets: { ingress_v4: ['10.1.2.12', '10.1.2.11'], ingress_v6: ['fd1e:1:2::11'] },
      }),
    });
    expect(facts).toEqual({
      'proxy: daemon': 'running',
      'proxy: daemon path wan1': 'down',
      'proxy: daemon dns app.ingress.test/A': '10.1.1.11,10.1.1.12',
      'proxy: daemon dns app.ingress.test/AAAA': '(none)',
      'proxy: allow-set ingress_v4': '10.1.2.11,10.1.2.12',
      'proxy: allow-set ingress_v6': 'fd1e:1:2::11',
    });
    // A daemon that does not name its sets yet: one fact for the whole set.
    const older = daemonFacts({ host: 'proxy', status: status({ allowSet: ['10.1.2.11'] }) });
    expect(older['proxy: allow-set']).toBe('10.1.2.11');
    expect(daemonFacts({ host: 'ingress-2', error: 'timeout' })).toEqual({
      'ingress-2: daemon': 'unreachable',
    });
  });

  it('reads the A and AAAA records dig prints, sorted, ignoring anything else', () => {
    expect(dnsFacts('app.ingress.test', 'A', '10.0.1.12\n10.0.1.11\n;; comment\n')).toEqual({
      'dns: app.ingress.test A': '10.0.1.11,10.0.1.12',
    });
    expect(dnsFacts('app.ingress.test', 'AAAA', 'fd1e:0:1::12\nfd1e:0:1::11\n10.0.1.11\n')).toEqual({
      'dns: app.ingress.test AAAA': 'fd1e:0:1::11,fd1e:0:1::12',
    });
    expect(dnsFacts('app.ingress.test', 'AAAA', '')).toEqual({ 'dns: app.ingress.test AAAA': '(none)' });
    expect(dnsFacts('app.ingress.test', 'A', undefined)).toEqual({ 'dns: app.ingress.test A': 'no answer' });
  });

  it('diffs two moments: changed, appeared and gone subjects, in order', () => {
    const before = { 'b: x': 'UP', 'a: y': '1', 'c: gone': 'here' };
    const after = { 'b: x': 'DOWN', 'a: y': '1', 'd: new': 'yes' };
    expect(diffSnapshots(before, after)).toEqual([
      'b: x: UP -> DOWN',
      'c: gone: here -> (absent)',
      'd: new: (absent) -> yes',
    ]);
    expect(diffSnapshots(before, { ...before })).toEqual([]);
  });

  it('lists the paths that are not up', () => {
    const snap = {
      ...haproxyFacts('ingress-1', STAT),
      'proxy: daemon path mesh': 'unknown',
      'dns: a A': 'x',
    };
    expect(unhealthyPaths(snap)).toEqual([
      'ingress-1: haproxy path wan2: DOWN',
      'proxy: daemon path mesh: unknown',
    ]);
    expect(formatSnapshot({ 'b: x': '1', 'a: long subject': '2' })).toBe(
      '  a: long subject  2\n  b: x             1\n',
    );
  });
});
