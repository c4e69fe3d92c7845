import { describe, expect, it } from 'vitest';
import { runEffect } from '../../../src/daemon/interpreter.js';
import type { DaemonPorts } from '../../../src/daemon/interpreter.js';
import { createDaemonRunner } from '../../../src/daemon/runner.js';
import type { Effect } from '../../../src/daemon/types.js';
import { loadConfig } from './harness.js';

/** In-memory stand-ins for HAProxy, DNS, nft and peers; they record what the daemon asked of them. */
function fakePorts(): DaemonPorts & { calls: string[]; zone: Map<string, string[]>; kernel: string[] } {
  const calls: string[] = [];
  const zone = new Map<string, string[]>();
  const kernel: string[] = [];
  return {
    calls,
    zone,
    kernel,
    probe: async () => ({ ok: true, rttMs: 5 }),
    haproxy: {
      showServersAndChecks: async () => ({ servers: [], checks: [] }),
      setServerState: async (b, s, st) => void calls.push(`state ${b}/${s} ${st}`),
      setServerWeight: async (b, s, w) => void calls.push(`weight ${b}/${s} ${w}`),
    },
    dns: {
      read: async (name, type) => ({ addresses: zone.get(`${name}/${type}`) ?? [], ttlS: 60 }),
      compareAndSet: async (name, type, expected, wanted) => {
        const key = `${name}/${type}`;
        if ((zone.get(key) ?? []).join() !== expected.join()) return 'conflict';
        calls.push(`dns ${key} ${wanted.join(' ')}`);
        zone.set(key, wanted);
        return 'ok';
      },
    },
    firewall: {
      apply: async (script) => {
        calls.push(`nft ${script.trim().split('\n').length} lines`);
        kernel.splice(
          0,
          kernel.length,
          ...[...script.matchAll(/\{ ([^}]*) \}/g)].flatMap((m) => (m[1] ?? '').split(', ')),
        );
      },
      read: async (_target, set) => kernel.filter((a) => a.includes(':') === set.endsWith('v6')),
    },
    fetchStatus: async () => ({ serving: true, deadPeers: [], allowSet: null }),
    readCertNotAfterMs: async () => {
      throw new Error('ENOENT');
    },
    metric: (effect) => void calls.push(`metric ${effect.name}`),
    log: (level, msg) => void calls.push(`log ${level} ${msg}`),
  };
}

const config = loadConfig('local.yml');

describe('effect interpreter', () => {
  it('turns a failed certificate read into an event, not a crash', async () => {
    const events = await runEffect({ kind: 'readCert', path: '/x.crt' }, fakePorts(), config);
    expect(events).toEqual([{ type: 'cert-read', path: '/x.crt', notAfterMs: null, error: 'ENOENT' }]);
  });

  it('reports a lost compare-and-set as a failed dns-result', async () => {
    const ports = fakePorts();
    ports.zone.set('www.example.org/A', ['203.0.113.5']);
    const effect: Effect = {
      kind: 'dnsReplace',
      name: 'www.example.org',
      type: 'A',
      expected: [],
      wanted: ['203.0.113.1'],
    };
    const [event] = await runEffect(effect, ports, config);
    expect(event).toMatchObject({ type: 'dns-result', ok: false, error: 'records changed meanwhile' });
  });

  it('reports a DNS read failure for all names at once', async () => {
    const ports = fakePorts();
    ports.dns.read = async () => {
      throw new Error('timeout');
    };
    const events = await runEffect(
      { kind: 'dnsRead', names: ['a.example.org'], types: ['A'] },
      ports,
      config,
    );
    expect(events).toEqual([{ type: 'dns-observed', ok: false, names: ['a.example.org'], error: 'timeout' }]);
  });

  it("reads each server's check counters beside its state, and leaves out malformed ones", async () => {
    const ports = fakePorts();
    const row = { address: '10.0.0.2', port: 443, opState: 2, adminBits: 0, checkStatus: 6 };
    ports.haproxy.showServersAndChecks = async () => ({
      servers: [
        { ...row, backend: 'b', server: 'wan1', admin: 'ready', operational: true, weight: 100 },
        { ...row, backend: 'b', server: 'wan2', admin: 'drain', operational: true, weight: 50 },
      ],
      checks: [
        { pxname: 'b', svname: 'wan1', chkfail: '3', check_duration: '12' },
        { pxname: 'b', svname: 'wan2', chkfail: '1;x', check_duration: '4' },
      ],
    });
    const events = await runEffect({ kind: 'readHaproxy' }, ports, config);
    expect(events).toEqual([
      {
        type: 'haproxy-state',
        servers: {
          'b/wan1': { admin: 'ready', operational: true, weight: 100, checkFails: 3, checkDurationMs: 12 },
          'b/wan2': { admin: 'drain', operational: true, weight: 50 },
        },
      },
    ]);
  });

  it('reads HAProxy back after a refused command', async () => {
    const ports = fakePorts();
    ports.haproxy.setServerState = async () => {
      throw new Error('No such server.');
    };
    const events = await runEffect(
      { kind: 'setServerState', backend: 'b', server: 's', state: 'drain' },
      ports,
      config,
    );
    expect(events).toEqual([{ type: 'haproxy-state', servers: {} }]);
    expect(ports.calls).toContain('log error effect setServerState failed');
  });
});

describe('daemon runner (reducer + interpreter + fakes)', () => {
  it('a local node converges: allow-set applied, its mesh AAAA published', async () => {
    const ports = fakePorts();
    ports.zone.set('ingress-1.nodes.example.org/A', ['203.0.113.1']);
    ports.zone.set('ingress-2.nodes.example.org/AAAA', ['2001:db8::2']);
    ports.zone.set('www.example.org/A', ['203.0.113.1']);
    let nowMs = 0;
    const runner = createDaemonRunner({ config, ports, now: () => nowMs });
    runner.submit({ type: 'tick' });
    await runner.idle();
    expect(ports.kernel.sort()).toEqual(['2001:db8::2', '203.0.113.1']);
    expect(ports.zone.get('home.mesh.example.org/AAAA')).toEqual(['200:abcd::1']);
    expect(runner.state().firewall.confirmed).toEqual(['2001:db8::2', '203.0.113.1']);
    // Nothing changed: the next round reads, compares, and writes nothing.
    const writes = ports.calls.filter((c) => c.startsWith('nft') || c.startsWith('dns')).length;
    nowMs = 400_000;
    runner.submit({ type: 'tick' });
    await runner.idle();
    expect(ports.calls.filter((c) => c.startsWith('nft') || c.startsWith('dns')).length).toBe(writes);
  });

  it('stopped mid-round: the reads already out finish, and what they learn changes nothing', async () => {
    const ports = fakePorts();
    ports.zone.set('ingress-1.nodes.example.org/A', ['203.0.113.1']);
    ports.zone.set('ingress-2.nodes.example.org/AAAA', ['2001:db8::2']);
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const read = ports.dns.read;
    ports.dns.read = async (name, type) => {
      await gate;
      return read(name, type);
    };
    const runner = createDaemonRunner({ config, ports, now: () => 0 });
    runner.submit({ type: 'tick' });
    runner.stop();
    release();
    await runner.idle();
    runner.submit({ type: 'tick' });
    await runner.idle();
    expect(ports.calls.filter((c) => c.startsWith('nft') || c.startsWith('dns'))).toEqual([]);
    expect(ports.kernel).toEqual([]);
    expect(ports.zone.get('home.mesh.example.org/AAAA')).toBeUndefined();
  });
});
