import { describe, expect, it } from 'vitest';
import { dnsFacts } from '../../../src/lab/lab-cli-snapshot.js';
import { meshPeerUri, meshUserAddress } from '../../../src/lab/mesh-users.js';
import { stackTopology } from '../../../src/lab/topology.js';

describe('the mesh users of the lab', () => {
  it('puts the public peer on the public side and the underlay, the user on the public side only', () => {
    const t = stackTopology(233);
    expect(meshUserAddress(t, 'meshpeer', 'public')).toBe('10.233.1.60');
    expect(meshUserAddress(t, 'meshpeer', 'underlay')).toBe('10.233.4.60');
    expect(meshUserAddress(t, 'meshclient', 'public')).toBe('10.233.1.61');
    expect(() => meshUserAddress(t, 'meshclient', 'underlay')).toThrow(/meshclient is not on the underlay/);
    expect(meshPeerUri(t)).toBe('tls://10.233.4.60:7443');
  });

  it("shows the mesh name's AAAA records, none, or no answer", () => {
    const name = 'mesh.app.ingress.test';
    expect(dnsFacts(name, 'AAAA', '203:1::2\n;; comment\n201:abcd::1\n')).toEqual({
      'dns: mesh.app.ingress.test AAAA': '201:abcd::1,203:1::2',
    });
    expect(dnsFacts(name, 'AAAA', '')).toEqual({ 'dns: mesh.app.ingress.test AAAA': '(none)' });
    expect(dnsFacts(name, 'AAAA', undefined)).toEqual({ 'dns: mesh.app.ingress.test AAAA': 'no answer' });
  });
});
