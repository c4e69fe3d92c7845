import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { IngressError } from '../errors.js';

/** The repository root; esbuild's paths in the output are relative to it, so bytes never depend on the cwd. */
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NODE_ENTRY = fileURLToPath(new URL('../../src/cli/node-entry.ts', import.meta.url));

/** Where `ingress up` installs the bundle on every node. */
export const NODE_BUNDLE_PATH = '/usr/local/lib/ingress/ingress-node.js';

/**
 * The node program as one CommonJS file for Debian 12's Node 18. Deterministic (no
 * timestamps, paths relative to the repository), so the copy task sees the same bytes
 * on every run and reports ok.
 */
export async function buildNodeBundle(outFile: string): Promise<void> {
  try {
    const result = await build({
      entryPoints: [NODE_ENTRY],
      absWorkingDir: REPO_ROOT,
      outfile: outFile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node18',
      minify: false,
      sourcemap: false,
      legalComments: 'none',
      logLevel: 'silent',
      banner: { js: '#!/usr/bin/env node' },
    });
    if (result.errors.length > 0) throw new Error(result.errors.map((e) => e.text).join('; '));
  } catch (cause) {
    throw new IngressError('E_INTERNAL', `cannot bundle the node program into ${outFile}`, { cause });
  }
}
