import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isPrivateListenHost, parseDaemonConfig } from '../../../src/daemon/config.js';
import { IngressError } from '../../../src/errors.js';
import { fixturePath, loadConfig } from './harness.js';
import { errorOf } from '../../support/error-of.js';

function parseError(name: string): IngressError {
  const file = fixturePath(name);
  return errorOf(() => parseDaemonConfig(readFileSync(file, 'utf8'), file));
}

const TLS_LISTEN = '  tls: { caFile: /ca.pem, certFile: /node.crt, keyFile: /node.key }\n';
const LISTEN = `listen:\n  host: 127.0.0.1\n${TLS_LISTEN}`;

describe('daemon config', () => {
  it('reads an ingress config with defaults filled in', () => {
    const config = loadConfig('ingress.yml');
    expect(config.mode).toBe('ingress');
    expect(config.paths.map((p) => `${p.name}:${p.kind}:${p.backend}/${p.server}`)).toEqual([
      'wan1:wan:home/wan1',
      'wan2:wan:home/wan2',
      'mesh:mesh:home/mesh',
    ]);
    expect(config.probe).toMatchObject({ intervalMs: 1000, rise: 2, fall: 3, lossWindow: 20 });
    expect(config.dns.port).toBe(53);
    // Three ingress nodes in all: two votes are a majority.
    expect(config.quorum).toBe(2);
    expect(config.firewall).toBeUndefined();
  });

  it('reads a local config with firewall bounds', () => {
    const config = loadConfig('local.yml');
    expect(config.firewall).toEqual({
      table: 'ingress',
      setV4: 'ingress_v4',
      setV6: 'ingress_v6',
      ingressNames: ['ingress-1.nodes.example.org', 'ingress-2.nodes.example.org'],
      publishedNames: ['www.example.org'],
      minTtlS: 30,
      maxTtlS: 300,
      maxAddressesPerName: 16,
    });
    expect(config.listen).toEqual({
      hosts: ['200:abcd::1'],
      port: 9105,
      tls: {
        caFile: '/etc/ingress/pki/ca.pem',
        certFile: '/etc/ingress/pki/node.crt',
        keyFile: '/etc/ingress/pki/node.key',
      },
    });
  });

  it('refuses a status listener on a public address, naming file, line and field', () => {
    const err = parseError('bad-listen.yml');
    expect(err.code).toBe('E_CONFIG');
    expect(err.location).toMatchObject({
      file: fixturePath('bad-listen.yml'),
      line: 11,
      field: 'listen.host',
    });
    expect(err.message).toMatch(/0\.0\.0\.0/);
  });

  it('names the line of a bad enum value inside a list', () => {
    const err = parseError('bad-path-kind.yml');
    expect(err.location).toMatchObject({ line: 5, field: 'paths[0].kind' });
    expect(err.message).toMatch(/wan, mesh/);
  });

  it('points a missing key at the key of its parent mapping', () => {
    expect(() => parseDaemonConfig('mode: ingress\nnode: a\npaths: []\n', 'x.yml')).toThrow(/is required/);
    try {
      parseDaemonConfig('mode: local\nnode: a\ndns:\n  server: s\n', 'x.yml');
    } catch (err) {
      expect((err as IngressError).location).toMatchObject({ file: 'x.yml', line: 3, field: 'dns.zone' });
    }
    expect.assertions(2);
  });

  it('reports YAML syntax errors with their line', () => {
    expect(() => parseDaemonConfig('mode: [ingress\nnode: a\n', 'y.yml')).toThrow(IngressError);
  });

  it.each([
    ['127.0.0.1', true],
    ['::1', true],
    ['localhost', true],
    ['200:abcd::1', true],
    ['3ff:1::1', true],
    ['0.0.0.0', false],
    ['203.0.113.1', false],
    ['2001:db8::1', false],
    ['::', false],
  ])('listen host %s private=%s', (host, expected) => {
    expect(isPrivateListenHost(host)).toBe(expected);
  });

  it('defaults the quorum to a majority of the ingress nodes plus the witness', () => {
    const pair = loadConfig('ingress-pair.yml');
    expect(pair.witness).toEqual({ name: 'home', statusUrl: 'https://[200:1234::1]:9105/status' });
    expect(pair.quorum).toBe(2); // 2 ingress + 1 witness
    const text = readFileSync(fixturePath('ingress.yml'), 'utf8');
    const threeAndWitness = `${text}witness: { name: home, statusUrl: "https://[200:1234::1]:9105/status" }\n`;
    expect(parseDaemonConfig(threeAndWitness, 'x.yml').quorum).toBe(3); // 3 ingress + 1 witness
  });

  it('listens on loopback and the mesh address, from `mesh` or a list under `host`', () => {
    expect(loadConfig('ingress-pair.yml').listen).toEqual({
      hosts: ['127.0.0.1', '200:1::1'],
      port: 9105,
      tls: {
        caFile: '/etc/ingress/pki/ca.pem',
        certFile: '/etc/ingress/pki/node.crt',
        keyFile: '/etc/ingress/pki/node.key',
      },
    });
    const base = readFileSync(fixturePath('local.yml'), 'utf8').replace(/listen:[\s\S]*$/, '');
    const config = parseDaemonConfig(
      `${base}listen:\n  host: [127.0.0.1, "200:abcd::1"]\n${TLS_LISTEN}`,
      'l.yml',
    );
    expect(config.listen).toEqual({
      hosts: ['127.0.0.1', '200:abcd::1'],
      port: 9105,
      tls: { caFile: '/ca.pem', certFile: '/node.crt', keyFile: '/node.key' },
    });
  });

  it.each([
    ['listen:\n  host: [127.0.0.1, 192.0.2.1]\n', 'listen.host[1]', /192\.0\.2\.1.*neither loopback/],
    ['listen:\n  mesh: "2001:db8::1"\n', 'listen.mesh', /neither loopback/],
    ['listen:\n  host: [127.0.0.1, 127.0.0.1]\n', 'listen.host[1]', /listed twice/],
    ['listen:\n  host: [127.0.0.1, "200:abcd::1"]\n', 'listen.host[1]', /needs listen\.tls/],
    [
      `witness: { name: x, statusUrl: "https://[200::1]:9105/status" }\n${LISTEN}`,
      'witness',
      /ingress nodes only/,
    ],
    [
      `peers: [{ name: home, statusUrl: "https://[200::1]:9105/status" }]\n${LISTEN}`,
      'peers[0].name',
      /this node/,
    ],
    ['peers: [{ name: a, statusUrl: "ftp://x/status" }]\n', 'peers[0].statusUrl', /https:\/\//],
    [
      `peers: [{ name: a, statusUrl: "http://[200::1]:9105/status" }]\n${LISTEN}`,
      'peers[0].statusUrl',
      /only over mTLS/,
    ],
    [
      'peers: [{ name: a, statusUrl: "https://[200::1]:9105/status" }]\n',
      'peers[0].statusUrl',
      /needs listen\.tls/,
    ],
  ])('refuses %j in a local config', (tail, field, message) => {
    const base = readFileSync(fixturePath('local.yml'), 'utf8').replace(/listen:[\s\S]*$/, '');
    let caught: unknown;
    try {
      parseDaemonConfig(base + tail, 'l.yml');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(IngressError);
    expect((caught as IngressError).location).toMatchObject({ file: 'l.yml', field });
    expect((caught as IngressError).message).toMatch(message);
  });

  it('refuses a witness that is also a peer', () => {
    const text = readFileSync(fixturePath('ingress-pair.yml'), 'utf8').replace(
      'name: home,',
      'name: ingress-2,',
    );
    expect(() => parseDaemonConfig(text, 'p.yml')).toThrow(/already this node or a peer/);
  });
});
