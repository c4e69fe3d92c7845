import { mkdir, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';
import { tempName } from '../src/fs/atomic.js';

/**
 * Build-time only: esbuild is a devDependency, so nothing under src/ may import this.
 * `npm run build` writes the node program into dist/node/, which the package ships and
 * `ingress up` copies to every node as it is.
 */

/** The repository root; esbuild's paths in the output are relative to it, so bytes never depend on the cwd. */
export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Debian 12's nodejs: what the nodes run, so the bundle may use nothing newer. */
export const NODE_TARGET = 'node18';

/** Entries a node can run, by the name of the file they become. */
export const NODE_ENTRIES = {
  /** Daemon, renewal agent, signer and CA commands: what `ingress up` installs. */
  'ingress-node.js': 'src/cli/node-entry.ts',
  /**
   * The daemon alone (`node FILE --config CONFIG`): what its systemd unit runs, as the other
   * commands' code would cost the resident process about 2 MB of RSS for nothing.
   */
  'ingress-daemon.js': 'src/daemon/entry.ts',
} as const;

export type NodeEntryName = keyof typeof NODE_ENTRIES;

/**
 * A bundle of `entry` into `outFile`, with what every bundle of ours shares (one Node file, paths
 * relative to the repository). Written beside the target and renamed, so a concurrent reader
 * never sees half a file.
 */
export async function bundleAtomically(entry: string, outFile: string, options: BuildOptions): Promise<void> {
  await mkdir(dirname(outFile), { recursive: true });
  const partial = tempName(outFile);
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: REPO_ROOT,
    outfile: partial,
    bundle: true,
    platform: 'node',
    legalComments: 'none',
    logLevel: 'silent',
    ...options,
  });
  if (result.errors.length > 0) throw new Error(result.errors.map((e) => e.text).join('; '));
  await rename(partial, outFile);
}

/**
 * One self-contained CommonJS file (pino, prom-client, dns-packet and yaml are CommonJS at heart)
 * that Debian 12's Node runs with nothing else installed. Deterministic (no timestamps, paths
 * relative to the repository), so copying it again reports unchanged. pino is only ever used
 * with its synchronous stdout destination, so its worker-thread transports are never loaded.
 */
export function bundleNodeEntry(name: NodeEntryName, outFile: string): Promise<void> {
  return bundleAtomically(NODE_ENTRIES[name], outFile, {
    format: 'cjs',
    target: NODE_TARGET,
    minify: false,
    sourcemap: false,
    banner: { js: '#!/usr/bin/env node' },
  });
}
