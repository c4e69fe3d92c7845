import { relative } from 'node:path';
import type { Plugin } from 'esbuild';
import { bundleAtomically, REPO_ROOT } from './node-bundle.js';

/**
 * Build-time only, like node-bundle.ts. The CLI as one CommonJS file: resolving and compiling
 * some 300 ES modules and the dependencies' CommonJS files one by one took about a quarter of a
 * no-op `ingress play`. testcontainers (the lab commands only) stays an ordinary import.
 */

/**
 * The loader bin/ingress.cjs requires, and the bundle it loads, in dist/cli/. All CommonJS: an
 * ES module entry costs Node's ESM loader, some 10 ms of every start.
 */
export const CLI_FILES = { launch: 'launch.cjs', bundle: 'ingress.cjs' } as const;

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

/**
 * One CommonJS file. import.meta.url becomes the file's own URL, as each module's paths are
 * relative to the package root (dist/cli sits two levels below it, as src/cli does).
 */
function bundle(
  entry: string,
  outFile: string,
  options: { plugins?: Plugin[]; minify?: boolean },
): Promise<void> {
  return bundleAtomically(entry, outFile, {
    format: 'cjs',
    target: 'node20',
    external: ['testcontainers', 'cpu-features'],
    plugins: options.plugins ?? [],
    // The bundle is read, hashed and decoded on every start: minified (names stay as written,
    // so stack traces still name functions) it is a third smaller.
    minifyWhitespace: options.minify ?? false,
    minifySyntax: options.minify ?? false,
    define: { 'import.meta.url': '__bundleUrl' },
    banner: { js: 'var __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  });
}

export async function bundleCli(outDir: string): Promise<void> {
  await bundle('src/cli/main.ts', `${outDir}/${CLI_FILES.bundle}`, { plugins: [nativeAddons], minify: true });
  await bundle('src/cli/launch.ts', `${outDir}/${CLI_FILES.launch}`, {});
}
