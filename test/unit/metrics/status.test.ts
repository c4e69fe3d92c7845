import { describe, expect, it } from 'vitest';
import { buildStatus } from '../../../src/daemon/status.js';
import { parseDaemonStatus, parsePeerStatus } from '../../../src/metrics/status.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startStatusServer, statusHandler } from '../../../src/daemon/http.js';
import { createDaemonMetrics } from '../../../src/metrics/registry.js';
import { loadConfig, Scenario } from '../daemon/harness.js';
import { sleep } from '../../../src/time/sleep.js';

describe('status snapshot', () => {
  it('shows each path with its state, reason and recent timeline', () => {
    const s = new Scenario(loadConfig('ingress.yml'));
    s.probes('wan1', '++');
    s.at(s.nowMs + 1000, { type: 'probe', path: 'wan2', ok: false, reason: 'connection refused' });
    s.probes('wan2', '--');
    const status = buildStatus(s.state, s.nowMs);
    expect(status.node).toBe('ingress-1');
    expect(status.serving).toBe(true);
    expect(status.paths.map((p) => [p.name, p.state])).toEqual([
      ['wan1', 'up'],
      ['wan2', 'down'],
      ['mesh', 'unknown'],
    ]);
    expect(status.paths[1]).toMatchObject({
      reason: '3 probes failed: timeout',
      loss: 1,
      lastChange: new Date(5000).toISOString(),
    });
    expect(status.timeline.map((t) => `${t.subject}: ${t.from} -> ${t.to}`)).toEqual([
      'path wan1: unknown -> up',
      'node ingress-1: unknown -> serving',
      'path wan2: unknown -> down',
    ]);
  });

  it('round-trips through the peer status parser', () => {
    const s = new Scenario(loadConfig('ingress.yml'));
    for (let i = 0; i < 3; i += 1) s.at(i, { type: 'peer-status', peer: 'ingress-3', ok: false });
    const wire = (): unknown => JSON.parse(JSON.stringify(buildStatus(s.state, s.nowMs)));
    // Undecided (no path verdict yet) is not evidence of a dead node.
    expect(parsePeerStatus(wire())).toEqual({ serving: true, deadPeers: ['ingress-3'], allowSet: null });
    s.probes('wan1', '---');
    s.probes('wan2', '---');
    s.probes('mesh', '---');
    expect(parsePeerStatus(wire())).toEqual({ serving: false, deadPeers: ['ingress-3'], allowSet: null });
    expect(parsePeerStatus({ serving: 'yes', deadPeers: [] })).toBeNull();
    expect(parsePeerStatus(null)).toBeNull();
  });

  it('reads a whole /status answer for display, and refuses what is not one', () => {
    const s = new Scenario(loadConfig('ingress.yml'));
    const built = buildStatus(s.state, s.nowMs);
    expect(parseDaemonStatus(JSON.stringify(built))).toEqual(built);
    // An older daemon without certificates, records or an allow-set still shows.
    const { certificates: _c, records: _r, allowSet: _a, ...older } = built;
    expect(parseDaemonStatus(JSON.stringify(older))).toEqual(built);
    expect(() => parseDaemonStatus('{"node":"x"}')).toThrow('not a daemon status');
    expect(() => parseDaemonStatus('<html>')).toThrow(SyntaxError);
  });

  it('serves /status and /metrics on loopback and refuses a public address', async () => {
    const s = new Scenario(loadConfig('local.yml'));
    const metrics = createDaemonMetrics();
    const server = await startStatusServer({
      listen: { hosts: ['127.0.0.1'], port: 0 },
      status: () => buildStatus(s.state, 0),
      metrics: () => metrics.text(),
    });
    try {
      const status = (await (await fetch(`http://127.0.0.1:${server.port}/status`)).json()) as {
        node: string;
      };
      expect(status.node).toBe('home');
      expect(await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text()).toContain(
        'ingress_path_up',
      );
      expect((await fetch(`http://127.0.0.1:${server.port}/other`)).status).toBe(404);
    } finally {
      await server.close();
    }
    await expect(
      startStatusServer({
        listen: { hosts: ['0.0.0.0'], port: 0 },
        status: () => ({}),
        metrics: async () => '',
      }),
    ).rejects.toThrow(/loopback or mesh/);
  });

  it('shows the mesh only what peers vote on: no metrics, records, paths or timeline', async () => {
    const s = new Scenario(loadConfig('local.yml'));
    const metrics = createDaemonMetrics();
    const options = {
      listen: { hosts: [], port: 0 },
      status: () => buildStatus(s.state, 0),
      metrics: () => metrics.text(),
    };
    const server = createServer(statusHandler(options, 'peer'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const doc = (await (await fetch(`${base}/status`)).json()) as Record<string, unknown>;
      expect(Object.keys(doc).sort()).toEqual(['allowSet', 'deadPeers', 'node', 'serving']);
      expect(parsePeerStatus(doc)).not.toBeNull();
      expect((await fetch(`${base}/metrics`)).status).toBe(404);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('serves on every loopback address and keeps retrying a mesh address that is not up yet', async () => {
    const errors: string[] = [];
    const server = await startStatusServer({
      listen: { hosts: ['127.0.0.1', '127.0.0.2', '200:dead::1'], port: 0 },
      status: () => ({ node: 'x' }),
      metrics: async () => '',
      retryMs: 20,
      onBindError: (host) => errors.push(host),
      // Never read: the mesh address never binds here.
      meshTls: { material: async () => ({ ca: '', cert: '', key: '' }), allowed: ['ingress-2'] },
    });
    try {
      const bound = server.bound();
      expect(bound.map((b) => b.host)).toEqual(['127.0.0.1', '127.0.0.2']);
      for (const { host, port } of bound) {
        expect(await (await fetch(`http://${host}:${port}/status`)).json()).toEqual({ node: 'x' });
      }
      await sleep(100);
      // No Yggdrasil interface here: the address never comes up, and the daemon keeps serving loopback.
      expect(errors.length).toBeGreaterThan(1);
      expect(new Set(errors)).toEqual(new Set(['200:dead::1']));
    } finally {
      await server.close();
    }
    const after = errors.length;
    await sleep(60);
    expect(errors.length).toBe(after);
  });

  it('refuses to serve a mesh address without mTLS', async () => {
    await expect(
      startStatusServer({
        listen: { hosts: ['127.0.0.1', '200:dead::1'], port: 0 },
        status: () => ({}),
        metrics: async () => '',
      }),
    ).rejects.toThrow(/200:dead::1 without mTLS/);
  });
});
