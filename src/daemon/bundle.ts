import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { IngressError } from '../errors.js';

/** The daemon's source entry; the same path from src/daemon and dist/daemon. */
export const DAEMON_ENTRY = fileURLToPath(new URL('../../src/daemon/entry.ts', import.meta.url));

/** Debian 12's nodejs: what the nodes run, so the bundle may use nothing newer. */
export const DAEMON_NODE_TARGET = 'node18';

/** The repository root; esbuild's paths in the output are relative to it, so bytes never depend on the cwd. */
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * One self-contained CommonJS file (pino, prom-client, dns-packet and yaml are CommonJS at heart)
 * that Debian 12's Node runs with nothing else installed. Deterministic (no timestamps, paths
 * relative to the repository), so copying it again reports unchanged. pino is only ever used
 * with its synchronous stdout destination, so its worker-thread transports are never loaded.
 */
export async function bundleForNode(entry: string, outFile: string, what: string): Promise<void> {
  try {
    const result = await build({
      entryPoints: [entry],
      absWorkingDir: REPO_ROOT,
      outfile: outFile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: DAEMON_NODE_TARGET,
      minify: false,
      sourcemap: false,
      legalComments: 'none',
      logLevel: 'silent',
      banner: { js: '#!/usr/bin/env node' },
    });
    if (result.errors.length > 0) throw new Error(result.errors.map((e) => e.text).join('; '));
  } catch (cause) {
    throw new IngressError('E_INTERNAL', `cannot bundle ${what} into ${outFile}`, { cause });
  }
}

/** The daemon alone: `node FILE --config CONFIG`. */
export function buildDaemonBundle(outFile: string): Promise<void> {
  return bundleForNode(DAEMON_ENTRY, outFile, 'the daemon');
}
