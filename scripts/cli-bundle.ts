import { relative } from 'node:path';
import type { Plugin } from 'esbuild';
import { bundleAtomically, REPO_ROOT } from './node-bundle.js';

/**
 * Build-time only, like node-bundle.ts. The CLI as one CommonJS file: resolving and compiling
 * some 300 ES modules and the dependencies' CommonJS files one by one took about a quarter of a
 * no-op `ingress play`. testcontainers (the lab commands only) stays an ordinary import.
 */

/** The loader bin/ingress.js imports, and the bundle it loads, in dist/cli/. */
export const CLI_FILES = { launch: 'launch.js', bundle: 'ingress.cjs' } as const;

/**
 * Native add-ons (ssh2's crypto, cpu-features) cannot be bundled: each is required at run time
 * by its path inside node_modules, which Node finds from dist/cli/ as the package's own.
 */
const nativeAddons: Plugin = {
  name: 'native-addons',
  setup(b) {
    b.onResolve({ filter: /\.node$/ }, (args) => {
      const inModules = relative(`${REPO_ROOT}node_modules`, `${args.resolveDir}/${args.path}`);
      return { path: inModules, external: true };
    });
  },
};

function bundle(entry: string, outFile: string, format: 'cjs' | 'esm', plugins: Plugin[]): Promise<void> {
  return bundleAtomically(entry, outFile, {
    format,
    target: 'node20',
    external: ['testcontainers', 'cpu-features'],
    plugins,
    // import.meta.url in CommonJS: the bundle's own URL, as each module's paths are relative to
    // the package root (dist/cli sits two levels below it, as src/cli does).
    ...(format === 'cjs'
      ? {
          define: { 'import.meta.url': '__bundleUrl' },
          banner: { js: 'var __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
        }
      : {}),
  });
}

export async function bundleCli(outDir: string): Promise<void> {
  await bundle('src/cli/main.ts', `${outDir}/${CLI_FILES.bundle}`, 'cjs', [nativeAddons]);
  await bundle('src/cli/launch.ts', `${outDir}/${CLI_FILES.launch}`, 'esm', []);
}
