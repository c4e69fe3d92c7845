import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { meshPeerUri } from '../../../src/lab/mesh-users.js';
import { renderStackInventory } from '../../../src/lab/stack-inventory.js';
import { address6Of, addressOf, stackTopology } from '../../../src/lab/topology.js';
import { validateGroupVarsText, validateHostsText } from '../../../src/stack/validate.js';

const labDir = fileURLToPath(new URL('../../../inventories/lab/', import.meta.url));

describe('the lab topology and its inventory', () => {
  it('keeps every network in 10.<base>.0.0/16 and hosts on their own networks only', () => {
    const t = stackTopology(241);
    expect(Object.values(t.subnets).every((s) => s.startsWith('10.241.'))).toBe(true);
    expect(addressOf(t, 'proxy', 'home')).toBe('10.241.5.20');
    expect(() => addressOf(t, 'demo', 'public')).toThrow(/demo is not on the public network/);
  });

  it('gives every network an IPv6 twin and every host an IPv6 address on each of its networks', () => {
    const t = stackTopology(241);
    expect(t.subnets6.wan1).toBe('fd1e:241:2::/64');
    expect(address6Of(t, 'ingress-2', 'public')).toBe('fd1e:241:1::12');
    expect(Object.keys(t.addresses6.proxy).sort()).toEqual(Object.keys(t.addresses.proxy).sort());
  });

  it('matches the checked-in inventories/lab/ for the default base', () => {
    for (const [file, text] of Object.entries(renderStackInventory(stackTopology()))) {
      expect(readFileSync(`${labDir}${file}`, 'utf8')).toBe(text);
    }
  });

  it('renders files the stack validation accepts', () => {
    const files = renderStackInventory(stackTopology(), { privateKeyFile: '/tmp/key' });
    for (const [file, text] of Object.entries(files)) {
      if (file.startsWith('group_vars/')) expect(() => validateGroupVarsText(file, text)).not.toThrow();
      else expect(() => validateHostsText(file, text)).not.toThrow();
    }
    expect(files['hosts.yml']).toContain('ansible_ssh_private_key_file: /tmp/key');
  });

  it("lists the public mesh peer among the local proxy's Yggdrasil peers only when mesh users are on", () => {
    const t = stackTopology(233);
    const plain = renderStackInventory(t);
    expect(Object.values(plain).join('\n')).not.toContain('extra_peers');
    const files = renderStackInventory(t, { meshPeer: meshPeerUri(t) });
    const proxy = files['group_vars/local_proxy.yml'] ?? '';
    expect(proxy).toContain('  extra_peers: [tls://10.233.4.60:7443]');
    expect(() => validateGroupVarsText('group_vars/local_proxy.yml', proxy)).not.toThrow();
    // The ingress nodes keep peering with the local proxy only.
    expect(files['group_vars/all.yml']).not.toContain('extra_peers');
    expect(files['group_vars/ingress.yml']).not.toContain('extra_peers');
  });
});
