import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseDaemonConfig } from '../../../src/daemon/config.js';
import { DAEMON_CONFIG_SCHEMA } from '../../../src/daemon/config-schema.js';
import { GROUP_VARS_SCHEMA } from '../../../src/stack/schema.js';
import { createTemplar } from '../../../src/template/templar.js';
import { ConfigReader } from '../../../src/yaml/config-reader.js';

const template = readFileSync(
  fileURLToPath(new URL('../../../playbooks/templates/daemon.yml.j2', import.meta.url)),
  'utf8',
);

const YGG: Record<string, string> = {
  'ingress-1': '201:1111::1',
  'ingress-2': '201:2222::1',
  home: '202:3333::1',
};

/** Each host's variables as the play sees them, with extra ones per host. */
function fleet(extra: Record<string, Record<string, unknown>> = {}): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.entries(YGG).map(([name, ygg]) => [
      name,
      {
        ingress_ygg_address: ygg,
        ansible_host: name === 'home' ? '10.0.0.2' : `198.51.100.${name.slice(-1)}`,
        ingress_wans: [{ name: 'wan1', address: '192.0.2.10' }],
        ...extra[name],
      },
    ]),
  );
}

/** The facts the play has by the time daemon.yml is rendered (defaults.yml, yggdrasil-facts.yml). */
function render(host: string, extra: Record<string, unknown> = {}): string {
  const hostvars = fleet();
  const vars = {
    ...hostvars[host],
    inventory_hostname: host,
    hostvars,
    groups: { ingress: ['ingress-1', 'ingress-2'], local_proxy: ['home'] },
    ig_proxy: 'home',
    ig_role: host === 'home' ? 'local_proxy' : 'ingress',
    ig_daemon: { enabled: true },
    ig_ports: { mtls_health: 8444 },
    ig_checks: { inter_ms: 500, timeout_check_ms: 1000, rise: 2, fall: 2 },
    ig_services: [{ domain: 'www.lab.test' }],
    ingress_dns: { server: '10.0.0.53', zone: 'lab.test' },
    ...extra,
  };
  return createTemplar().renderText(template, vars, 'daemon.yml.j2');
}

describe('daemon.yml.j2: the daemons watch each other over the mesh', () => {
  it('gives an ingress node the other ingress node as peer and the local proxy as witness', () => {
    const config = parseDaemonConfig(render('ingress-1'), 'daemon.yml');
    expect(config.peers).toEqual([
      {
        name: 'ingress-2',
        statusUrl: 'https://[201:2222::1]:9105/status',
        addresses: ['198.51.100.2'],
      },
    ]);
    expect(config.witness).toEqual({ name: 'home', statusUrl: 'https://[202:3333::1]:9105/status' });
    // Two ingress nodes plus the witness: two of three votes remove a dead node.
    expect(config.quorum).toBe(2);
    // The mesh side answers over mTLS with the node's certificate from the internal CA.
    expect(config.listen).toEqual({
      hosts: ['127.0.0.1', '201:1111::1'],
      port: 9105,
      tls: {
        caFile: '/etc/ingress/pki/ca.pem',
        certFile: '/etc/ingress/pki/node.crt',
        keyFile: '/etc/ingress/pki/node.key',
      },
    });
  });

  it('gives the local proxy both ingress nodes to watch, with no records of theirs to manage', () => {
    const config = parseDaemonConfig(render('home'), 'daemon.yml');
    expect(config.mode).toBe('local');
    expect(config.peers.map((p) => [p.name, p.statusUrl, p.addresses])).toEqual([
      ['ingress-1', 'https://[201:1111::1]:9105/status', []],
      ['ingress-2', 'https://[201:2222::1]:9105/status', []],
    ]);
    expect(config.witness).toBeUndefined();
    expect(config.listen.hosts).toEqual(['127.0.0.1', '202:3333::1']);
  });

  it("publishes the local proxy's own mesh name and every service's mesh name at its Yggdrasil address", () => {
    const services = [{ domain: 'www.lab.test' }, { domain: 'api.lab.test', mesh_name: 'api.ygg.lab.test' }];
    const config = parseDaemonConfig(render('home', { ig_services: services }), 'daemon.yml');
    expect(config.dns.names).toEqual(['home.mesh.lab.test', 'mesh.www.lab.test', 'api.ygg.lab.test']);
    expect(config.dns.addresses).toEqual(['202:3333::1']);
    // The public names stay with the ingress nodes.
    expect(parseDaemonConfig(render('ingress-1'), 'daemon.yml').dns.names).toEqual(['www.lab.test']);
  });

  it('keeps `listen.host` the single loopback address that existing tools read', () => {
    expect(render('ingress-2')).toMatch(/^listen:\n {2}host: 127\.0\.0\.1\n/m);
  });
});

describe('daemon.yml.j2: quality steering', () => {
  it('steers each WAN server in both relay backends, with defaults when group_vars say nothing', () => {
    const config = parseDaemonConfig(render('ingress-1'), 'daemon.yml');
    expect(config.paths.map((p) => `${p.name}:${p.backends.join('+')}`)).toEqual([
      'wan1:to_proxy_https+to_proxy_http',
      'mesh:to_proxy_https+to_proxy_http',
    ]);
    expect(config.steering.degradeMs).toBe(150);
  });

  it('passes ingress_steering through, one key a line, so an error names its line', () => {
    const text = render('ingress-1', { ingress_steering: { dwellMs: 4000, minWeight: 0 } });
    expect(parseDaemonConfig(text, 'daemon.yml').steering).toMatchObject({ dwellMs: 4000, minWeight: 0 });
    const bad = render('ingress-1', { ingress_steering: { drainMs: 'soon' } });
    const line = bad.split('\n').findIndex((l) => l.includes('drainMs')) + 1;
    expect(() => parseDaemonConfig(bad, 'daemon.yml')).toThrow(
      /must be a whole number from 1 to 600000, got "soon"/,
    );
    try {
      parseDaemonConfig(bad, 'daemon.yml');
    } catch (err) {
      expect(err).toMatchObject({ location: { file: 'daemon.yml', line, field: 'steering.drainMs' } });
    }
  });
});

/** Every key the stack lets group_vars set under ingress_steering, at a value it accepts. */
const FULL_STEERING = {
  enabled: false,
  windowMs: 20_000,
  minSamples: 10,
  lossPenaltyMs: 2000,
  jitterWeight: 2,
  tolerancePercent: 50,
  degradeMs: 200,
  drainMs: 800,
  recoverMs: 100,
  dwellMs: 4000,
  restoreStepPercent: 10,
  minWeight: 0,
};

describe('daemon.yml.j2: every branch renders a file the daemon schema accepts', () => {
  const schemaOk = (text: string): void => {
    expect(() => ConfigReader.parse(text, 'daemon.yml', DAEMON_CONFIG_SCHEMA)).not.toThrow();
    expect(() => parseDaemonConfig(text, 'daemon.yml')).not.toThrow();
  };

  it.each(['ingress-1', 'home'])('%s with the defaults', (host) => {
    schemaOk(render(host));
  });

  it('sets every steering key group_vars may set', () => {
    const shape = GROUP_VARS_SCHEMA['ingress_steering']?.shape;
    expect(Object.keys(shape?.kind === 'object' ? shape.fields : {})).toEqual(Object.keys(FULL_STEERING));
  });

  it.each(['ingress-1', 'home'])('%s with every optional variable set', (host) => {
    const text = render(host, {
      ingress_steering: FULL_STEERING,
      ingress_dns: { server: '10.0.0.53', port: 5353, zone: 'lab.test' },
      ingress_public_addresses: ['198.51.100.1', '2001:db8::1'],
      ig_daemon: { enabled: true, status_port: 9200, mesh_name: 'proxy.ygg.lab.test' },
      ig_services: [{ domain: 'www.lab.test', mesh_name: 'www.ygg.lab.test' }, { domain: 'api.lab.test' }],
    });
    schemaOk(text);
    if (host === 'ingress-1')
      expect(parseDaemonConfig(text, 'daemon.yml').steering).toEqual({ ...FULL_STEERING });
  });

  it('an empty ingress_steering renders a bare `steering:`, read as the defaults', () => {
    const text = render('ingress-1', { ingress_steering: {} });
    expect(text).toMatch(/^steering:\n/m);
    expect(parseDaemonConfig(text, 'daemon.yml').steering.degradeMs).toBe(150);
  });

  it.each(['ingress-1', 'home'])('%s in a fleet of one ingress node (no peers for it)', (host) => {
    const groups = { ingress: ['ingress-1'], local_proxy: ['home'] };
    const text = render(host, { groups });
    schemaOk(text);
    expect(parseDaemonConfig(text, 'daemon.yml').peers.length).toBe(host === 'home' ? 1 : 0);
  });

  it("takes the ingress nodes' own DNS names and public addresses from their host variables", () => {
    const hostvars = fleet({
      'ingress-1': { ingress_dns_name: 'edge-1.lab.test', ingress_public_addresses: ['203.0.113.1'] },
    });
    const home = parseDaemonConfig(render('home', { hostvars }), 'daemon.yml');
    expect(home.firewall?.ingressNames).toEqual(['edge-1.lab.test', 'ingress-2.lab.test']);
    const peer = parseDaemonConfig(render('ingress-2', { hostvars }), 'daemon.yml').peers[0];
    expect(peer?.addresses).toEqual(['203.0.113.1']);
  });
});
