import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { IngressError } from '../errors.js';

/**
 * The node program (daemon, renewal agent, signer, CA commands) as one file for Debian 12's
 * Node 18, made by `npm run build` (scripts/node-bundle.ts) and shipped in the package: the
 * same path from src/stack and dist/stack, so running from source uses the last build too.
 */
export const BUILT_NODE_BUNDLE = fileURLToPath(new URL('../../dist/node/ingress-node.js', import.meta.url));

/** Where `ingress up` installs the bundle on every node. */
export const NODE_BUNDLE_PATH = '/usr/local/lib/ingress/ingress-node.js';

/** The prebuilt node program; nothing is built at run time, so a missing file is an install fault. */
export async function nodeBundleFile(file: string = BUILT_NODE_BUNDLE): Promise<string> {
  try {
    await access(file);
    return file;
  } catch (cause) {
    throw new IngressError('E_INTERNAL', `the node program ${file} is missing: run \`npm run build\``, {
      cause,
    });
  }
}
