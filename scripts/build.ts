import { readdir, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempWriterPid, writeFileAtomic } from '../src/fs/atomic.js';
import { bundleCli, CLI_FILES } from './cli-bundle.js';
import { bundleNodeEntry, NODE_ENTRIES, type NodeEntryName } from './node-bundle.js';

/**
 * `npm run build`: everything the package ships under dist/.
 * - dist/cli/: the CLI (launch.cjs, which bin/ingress.cjs requires, and the bundle ingress.cjs);
 * - dist/node/: the node program and the daemon's, which `ingress up` copies to every node.
 * The package is ESM ("type": "module"); a package.json beside the node programs says they are
 * CommonJS, so they also run in place (on the nodes they sit in a folder of their own).
 * Types are checked by `npm run typecheck`, not here.
 *
 * Every file is replaced by a rename and dist/ is never emptied first: `npm pack` builds, and an
 * `ingress` started meanwhile (a test, a running lab command) must find either the old file or
 * the new one, never none. What the build no longer writes is removed afterwards.
 */
const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const NODE_PACKAGE = 'node/package.json';

/** A temp file of a build still running (another `npm run build`, `npm pack`). */
function inProgress(path: string): boolean {
  const pid = tempWriterPid(path);
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** What lies under `dir` that is neither a built file, a folder holding one, nor another build's. */
async function staleUnder(dir: string, built: ReadonlySet<string>): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const holds = (folder: string): boolean => [...built].some((file) => file.startsWith(`${folder}/`));
  return entries
    .map((e) => ({ path: relative(dir, join(e.parentPath, e.name)), isDir: e.isDirectory() }))
    .filter(({ path, isDir }) => (isDir ? !holds(path) : !built.has(path) && !inProgress(path)))
    .map(({ path }) => path);
}

async function buildAll(): Promise<void> {
  await bundleCli(`${DIST}cli`);
  const nodeEntries = Object.keys(NODE_ENTRIES) as NodeEntryName[];
  for (const name of nodeEntries) await bundleNodeEntry(name, `${DIST}node/${name}`);
  await writeFileAtomic(`${DIST}${NODE_PACKAGE}`, '{ "type": "commonjs" }\n');
  const built = new Set([
    ...Object.values(CLI_FILES).map((file) => `cli/${file}`),
    ...nodeEntries.map((name) => `node/${name}`),
    NODE_PACKAGE,
  ]);
  for (const stale of await staleUnder(DIST, built))
    await rm(join(DIST, stale), { recursive: true, force: true });
}

buildAll().catch((err: unknown) => {
  process.stderr.write(`cannot build: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
