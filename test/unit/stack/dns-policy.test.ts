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
  it('gives ingress nodes the service names and the local proxy its mesh name, nothing else', () => {
    expect(fleetGrants(nodes, varsOf, 'example.net')).toEqual([
      { node: 'ingress-1', names: ['app.example.net', 'api.example.net'] },
      { node: 'ingress-2', names: ['app.example.net', 'api.example.net'] },
      { node: 'proxy', names: ['home.mesh.example.net'] },
    ]);
    const plain = fleetGrants(nodes, () => common, 'example.net');
    expect(plain[2]).toEqual({ node: 'proxy', names: ['proxy.mesh.example.net'] });
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
    expect(snippet).not.toContain('zonesub');
    for (const key of dns!.keys.keys.values()) expect(snippet).not.toContain(key.secret);
  });

  it('has nothing to do without ingress_dns', async () => {
    const state = join(await mkdtemp(join(tmpdir(), 'dns-policy-')), 'pki');
    expect(await prepareFleetDns(nodes, () => ({}), state)).toBeUndefined();
  });
});
