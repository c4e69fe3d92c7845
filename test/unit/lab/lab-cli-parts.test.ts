import { describe, expect, it } from 'vitest';
import {
  LAB_PARTS,
  parseLabBase,
  parseLabNode,
  parseLabPart,
  partAction,
} from '../../../src/lab/lab-cli-parts.js';

describe('lab parts', () => {
  it('maps WANs and the mesh to the local proxy networks, nodes and DNS to containers', () => {
    expect(partAction(parseLabPart('wan2'))).toEqual({ kind: 'network', host: 'proxy', network: 'wan2' });
    expect(partAction(parseLabPart('mesh'))).toEqual({ kind: 'network', host: 'proxy', network: 'underlay' });
    expect(partAction(parseLabPart('ingress-1'))).toEqual({ kind: 'container', host: 'ingress-1' });
    expect(partAction(parseLabPart('dns'))).toEqual({ kind: 'container', host: 'dns' });
  });

  it('rejects an unknown part, listing the valid ones', () => {
    expect(() => parseLabPart('wan3')).toThrow(
      'unknown lab part "wan3": choose one of wan1, wan2, mesh, ingress-1, ingress-2, dns',
    );
    expect(LAB_PARTS).toHaveLength(6);
  });

  it('rejects an unknown node for exec, listing the lab nodes', () => {
    expect(parseLabNode('client')).toBe('client');
    expect(() => parseLabNode('ingress-3')).toThrow(
      'unknown lab node "ingress-3": choose one of dns, pebble, demo, client, proxy, ingress-1, ingress-2',
    );
  });

  it('takes --base as one octet', () => {
    expect(parseLabBase('238')).toBe(238);
    expect(() => parseLabBase('256')).toThrow(/--base must be an integer 0-255 \(got "256"\)/);
    expect(() => parseLabBase('1e2')).toThrow(/--base/);
  });
});
