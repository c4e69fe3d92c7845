import { fileURLToPath } from 'node:url';
import { bundleForNode } from '../daemon/bundle.js';

const NODE_ENTRY = fileURLToPath(new URL('../../src/cli/node-entry.ts', import.meta.url));

/** Where `ingress up` installs the bundle on every node. */
export const NODE_BUNDLE_PATH = '/usr/local/lib/ingress/ingress-node.js';

/** The node program (daemon, renewal agent, signer, CA commands) as one file for Debian 12's Node 18. */
export function buildNodeBundle(outFile: string): Promise<void> {
  return bundleForNode(NODE_ENTRY, outFile, 'the node program');
}
