import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { IngressError } from '../errors.js';

/**
 * The node program (daemon, renewal agent, signer, CA commands) as one file for Debian 12's
 * Node 18, and the daemon alone (what its unit runs), made by `npm run build`
 * (scripts/node-bundle.ts) and shipped in the package: the same paths from src/stack and
 * dist/stack, so running from source uses the last build too.
 */
export const BUILT_NODE_BUNDLE = fileURLToPath(new URL('../../dist/node/ingress-node.js', import.meta.url));
export const BUILT_DAEMON_PROGRAM = fileURLToPath(
  new URL('../../dist/node/ingress-daemon.js', import.meta.url),
);

/** Where `ingress up` installs the bundle on every node. */
export const NODE_BUNDLE_PATH = '/usr/local/lib/ingress/ingress-node.js';

export interface NodePrograms {
  /** ingress-node.js: every command a node runs. */
  node: string;
  /** ingress-daemon.js: the health daemon alone. */
  daemon: string;
}

/** The prebuilt node programs; nothing is built at run time, so a missing file is an install fault. */
export async function nodePrograms(
  files: NodePrograms = { node: BUILT_NODE_BUNDLE, daemon: BUILT_DAEMON_PROGRAM },
): Promise<NodePrograms> {
  for (const file of [files.node, files.daemon]) {
    try {
      await access(file);
    } catch (cause) {
      throw new IngressError('E_INTERNAL', `the node program ${file} is missing: run \`npm run build\``, {
        cause,
      });
    }
  }
  return files;
}
