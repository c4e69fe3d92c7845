import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleNodeEntry, type NodeEntryName } from '../../scripts/node-bundle.js';

/**
 * Tests that run the node program build it from the current source once per test process
 * (dist/ may be stale while working), with the same recipe `npm run build` ships.
 */
const built = new Map<NodeEntryName, Promise<string>>();

export function testNodeBundle(name: NodeEntryName = 'ingress-node.js'): Promise<string> {
  let file = built.get(name);
  if (!file) {
    const out = join(tmpdir(), `ingress-test-${process.pid}-${name}`);
    file = bundleNodeEntry(name, out).then(() => out);
    built.set(name, file);
  }
  return file;
}
