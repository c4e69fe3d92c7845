import { fileURLToPath } from 'node:url';
import { codeCacheDir, loadWithCodeCache } from './code-cache.js';

/**
 * What bin/ingress.cjs runs: the CLI bundle (dist/cli/ingress.cjs, beside this file once built),
 * compiled through V8's code cache. Kept apart from the bundle so that loading it costs nothing.
 */
const BUNDLE = fileURLToPath(new URL('./ingress.cjs', import.meta.url));

interface Cli {
  main(argv: string[]): Promise<number>;
}

/** The name a run's cache goes under: its command word, or help, which compiles little else. */
export function cacheCommand(argv: readonly string[]): string {
  if (argv.some((arg) => arg === '-h' || arg === '--help')) return 'help';
  return argv.find((arg) => !arg.startsWith('-')) ?? 'help';
}

export async function launch(argv: string[]): Promise<number> {
  const cli = loadWithCodeCache<Cli>(BUNDLE, { dir: codeCacheDir(process.env), command: cacheCommand(argv) });
  const code = await cli.exports.main(argv);
  cli.save();
  return code;
}
