import { rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { bundleCli } from './cli-bundle.js';
import { bundleNodeEntry, NODE_ENTRIES, type NodeEntryName } from './node-bundle.js';

/**
 * `npm run build`: everything the package ships under dist/, from a clean folder.
 * - dist/cli/: the CLI (launch.js, which bin/ingress.js imports, and the bundle ingress.cjs);
 * - dist/node/: the node program and the daemon's, which `ingress up` copies to every node.
 * The package is ESM ("type": "module"); a package.json beside the node programs says they are
 * CommonJS, so they also run in place (on the nodes they sit in a folder of their own).
 * Types are checked by `npm run typecheck`, not here.
 */
const DIST = fileURLToPath(new URL('../dist/', import.meta.url));

async function buildAll(): Promise<void> {
  await rm(DIST, { recursive: true, force: true });
  await bundleCli(`${DIST}cli`);
  for (const name of Object.keys(NODE_ENTRIES) as NodeEntryName[])
    await bundleNodeEntry(name, `${DIST}node/${name}`);
  await writeFile(`${DIST}node/package.json`, '{ "type": "commonjs" }\n');
}

buildAll().catch((err: unknown) => {
  process.stderr.write(`cannot build: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
