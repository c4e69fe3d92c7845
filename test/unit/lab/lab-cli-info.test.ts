import { describe, expect, it } from 'vitest';
import type { LabContainer } from '../../../src/lab/lab-cli-docker.js';
import { dirFlag, formatLabStatus, labStatusDoc, nextCommands } from '../../../src/lab/lab-cli-info.js';
import type { LabState } from '../../../src/lab/lab-state.js';
import { stackTopology } from '../../../src/lab/topology.js';

const state: LabState = {
  version: 1,
  runId: 'r1',
  base: 238,
  createdAt: '2025-01-01T00:00:00Z',
  phase: 'ready',
};
const t = stackTopology(238);

describe('lab status document', () => {
  it("gives each node's role, state and current addresses, the domains and the ingress addresses", () => {
    const containers = new Map<string, LabContainer>([
      [
        'proxy',
        {
          host: 'proxy',
          id: 'p',
          running: true,
          // wan1 is cut: the proxy is not on it now.
          networks: {
            'ingress-r1-public': '10.238.1.20',
            'ingress-r1-wan2': '10.238.3.20',
            bridge: '172.17.0.2',
          },
          networks6: { 'ingress-r1-public': 'fd1e:238:1::20', 'ingress-r1-wan2': 'fd1e:238:3::20' },
        },
      ],
      ['ingress-1', { host: 'ingress-1', id: 'i', running: false, networks: {}, networks6: {} }],
    ]);
    const doc = labStatusDoc(state, t, '/tmp/lab', containers);
    expect(doc.nodes.find((n) => n.name === 'proxy')).toEqual({
      name: 'proxy',
      role: 'local proxy',
      state: 'running',
      addresses: { public: '10.238.1.20', wan2: '10.238.3.20' },
      addresses6: { public: 'fd1e:238:1::20', wan2: 'fd1e:238:3::20' },
    });
    expect(doc.nodes.find((n) => n.name === 'ingress-1')?.state).toBe('stopped');
    expect(doc.nodes.find((n) => n.name === 'client')?.state).toBe('missing');
    expect(doc.serviceDomains).toEqual(['app.ingress.test']);
    expect(doc.ingressPublicAddresses).toEqual({ 'ingress-1': '10.238.1.11', 'ingress-2': '10.238.1.12' });
    expect(doc.ingressPublicAddresses6).toEqual({
      'ingress-1': 'fd1e:238:1::11',
      'ingress-2': 'fd1e:238:1::12',
    });
    const text = formatLabStatus(doc);
    expect(text).toMatch(/^lab r1 \(10\.238\.0\.0\/16 and fd1e:238::\/32, state in \/tmp\/lab\)$/m);
    const lines = text.split('\n');
    const proxy = lines.findIndex((l) => l.startsWith('proxy '));
    expect(lines[proxy]).toMatch(
      /^proxy\s+running\s+local proxy\s+public=10\.238\.1\.20 wan2=10\.238\.3\.20$/,
    );
    // Its IPv6 addresses on the next line, in the same column.
    expect(lines[proxy + 1]).toMatch(/^\s+public=fd1e:238:1::20 wan2=fd1e:238:3::20$/);
    expect(lines[proxy + 1]?.indexOf('public=')).toBe(lines[proxy]?.indexOf('public='));
    // A stopped node has no address: one line, no IPv6 line under it.
    expect(lines[lines.findIndex((l) => l.startsWith('ingress-1 ')) + 1]).toMatch(/^ingress-2 /);
    expect(text).toContain(
      'ingress public addresses: ingress-1 10.238.1.11 fd1e:238:1::11, ingress-2 10.238.1.12 fd1e:238:1::12',
    );
  });
});

describe('commands to paste', () => {
  it('adds --dir only when the folder is not ./.lab', () => {
    expect(dirFlag('.lab', '/home/u')).toBe('');
    expect(dirFlag('/home/u/.lab', '/home/u')).toBe('');
    expect(dirFlag('other', '/home/u')).toBe(' --dir /home/u/other');
  });

  it('reaches the demo through each ingress node by its public address', () => {
    const lines = nextCommands(t, '', '/etc/ingress-lab/pebble-root.pem');
    expect(lines).toContain(
      'ingress lab exec client -- curl -sS --max-time 10 --cacert /etc/ingress-lab/pebble-root.pem --resolve app.ingress.test:443:10.238.1.11 https://app.ingress.test/',
    );
    expect(lines.some((l) => l.includes('--resolve app.ingress.test:443:10.238.1.12'))).toBe(true);
    expect(lines).toContain(
      "ingress lab exec client -- curl -sS --max-time 10 --cacert /etc/ingress-lab/pebble-root.pem --resolve 'app.ingress.test:443:[fd1e:238:1::11]' https://app.ingress.test/",
    );
    expect(lines).toContain('ingress lab fail wan1');
    expect(lines).toContain(
      'ingress lab exec meshclient -- curl -sS --max-time 10 --cacert /etc/ingress-lab/pebble-root.pem https://mesh.app.ingress.test/',
    );
  });
});
