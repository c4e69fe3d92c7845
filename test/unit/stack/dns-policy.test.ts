import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseKeyFile } from '../../../src/dns/key-file.js';
import { fleetGrants, prepareFleetDns } from '../../../src/stack/dns-policy.js';
import type { StackNode } from '../../../src/stack/model.js';

const nodes: StackNode[] = [
  { name: 'ingress-1', role: 'ingress', sans: [] },
  { name: 'ingress-2', role: 'ingress', sans: [] },
  { name: 'proxy', role: 'local_proxy', sans: [] },
];
const common = {
  ingress_dns: { server: '192.0.2.53', zone: 'example.net', tsig_key_name: 'ingress-update' },
  ingress_services: [{ domain: 'app.example.net' }, { domain: 'api.example.net' }],
};
const varsOf = (host: string): Record<string, unknown> =>
  host === 'proxy' ? { ...common, ingress_daemon: { mesh_name: 'home.mesh.example.net' } } : common;

describe('the fleet DNS policy', () => {
  it('gives ingress nodes the service names and the local proxy the mesh names, nothing else', () => {
    expect(fleetGrants(nodes, varsOf, 'example.net')).toEqual([
      { node: 'ingress-1', names: ['app.example.net', 'api.example.net'] },
      { node: 'ingress-2', names: ['app.example.net', 'api.example.net'] },
      {
        node: 'proxy',
        names: ['home.mesh.example.net', 'mesh.app.example.net', 'mesh.api.example.net'],
        txtNames: ['_acme-challenge.mesh.app.example.net', '_acme-challenge.mesh.api.example.net'],
      },
    ]);
    const plain = fleetGrants(nodes, () => common, 'example.net');
    expect(plain[2]?.names[0]).toBe('proxy.mesh.example.net');
  });

  it("uses a service's own mesh_name for its record and its DNS-01 challenge", () => {
    const vars = {
      ...common,
      ingress_services: [{ domain: 'app.example.net', mesh_name: 'app.ygg.example.net' }],
    };
    expect(fleetGrants(nodes, () => vars, 'example.net')[2]).toEqual({
      node: 'proxy',
      names: ['proxy.mesh.example.net', 'app.ygg.example.net'],
      txtNames: ['_acme-challenge.app.ygg.example.net'],
    });
  });

  it('refuses a mesh name that is also a public service name', () => {
    const vars = {
      ...common,
      ingress_services: [
        { domain: 'app.example.net', mesh_name: 'api.example.net' },
        { domain: 'api.example.net' },
      ],
    };
    expect(() => fleetGrants(nodes, () => vars, 'example.net')).toThrow(
      expect.objectContaining({
        code: 'E_CONFIG',
        location: expect.objectContaining({ field: 'ingress_services[0].mesh_name' }),
      }),
    );
  });

  it('writes every key for the DNS server (0600) and a snippet without secrets', async () => {
    const state = join(await mkdtemp(join(tmpdir(), 'dns-policy-')), '.ingress-state', 'pki');
    const dns = await prepareFleetDns(nodes, varsOf, state);
    expect(dns).toBeDefined();
    const keysConf = await readFile(dns!.keysConfFile, 'utf8');
    expect(parseKeyFile(keysConf, 'keys.conf').map((k) => k.name)).toEqual([
      'ingress-1.ingress-update',
      'ingress-2.ingress-update',
      'proxy.ingress-update',
    ]);
    expect((await stat(dns!.keysConfFile)).mode & 0o777).toBe(0o600);
    const snippet = await readFile(dns!.snippetFile, 'utf8');
    expect(snippet).toContain(`include "${dns!.keysConfFile}";`);
    expect(snippet).toContain('grant ingress-2.ingress-update name api.example.net. A AAAA;');
    expect(snippet).toContain('grant proxy.ingress-update name home.mesh.example.net. A AAAA;');
    expect(snippet).toContain('grant proxy.ingress-update name mesh.api.example.net. A AAAA;');
    expect(snippet).toContain('grant proxy.ingress-update name _acme-challenge.mesh.api.example.net. TXT;');
    // TXT is granted on the challenge names only, and no ingress node may write one.
    expect(snippet.match(/ TXT;/g)).toHaveLength(2);
    expect(snippet).not.toMatch(/grant ingress-\d\S* name \S*mesh/);
    expect(snippet).not.toContain('zonesub');
    for (const key of dns!.keys.keys.values()) expect(snippet).not.toContain(key.secret);
  });

  it('has nothing to do without ingress_dns', async () => {
    const state = join(await mkdtemp(join(tmpdir(), 'dns-policy-')), 'pki');
    expect(await prepareFleetDns(nodes, () => ({}), state)).toBeUndefined();
  });
});
