import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * `ingress --version` and `--help` must stay fast: what src/cli/main.ts reaches through
 * static imports is evaluated before anything is printed, so it may hold registrations
 * only. A command's code comes in with `await import()` inside its action.
 */
const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));

/** Specifiers of value imports and re-exports; `import type` and `import()` are left out. */
function staticImports(source: string): string[] {
  const found: string[] = [];
  const statement = /^(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
  for (const match of source.matchAll(statement)) if (match[1]) found.push(match[1]);
  return found;
}

async function reachable(entry: string): Promise<{ files: Set<string>; packages: Set<string> }> {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = [entry];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (files.has(file)) continue;
    files.add(file);
    for (const spec of staticImports(await readFile(file, 'utf8'))) {
      if (spec.startsWith('.')) queue.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else if (!spec.startsWith('node:')) packages.add(spec);
    }
  }
  return { files, packages };
}

describe('CLI start-up', () => {
  it('reads value imports, not type imports or dynamic ones', () => {
    const source = [
      "import { a } from './a.js';",
      "import type { B } from './b.js';",
      "export { c } from './c.js';",
      "export type { D } from './d.js';",
      "import 'side-effect';",
      "const e = await import('./e.js');",
    ].join('\n');
    expect(staticImports(source)).toEqual(['./a.js', './c.js', 'side-effect']);
  });

  it('loads commander and the command registrations only', async () => {
    const { files, packages } = await reachable(join(SRC, 'cli', 'main.ts'));
    expect([...packages]).toEqual(['commander']);
    // Leaves that import nothing: the node PKI layout (defaults in `--help`) and the stop
    // on SIGTERM that the node programs' commands share.
    const light = new Set(['pki/node-paths.ts', 'daemon/stop-signals.ts']);
    const heavy = [...files]
      .map((file) => file.slice(SRC.length))
      .filter((file) => !light.has(file))
      .filter((file) =>
        /^(runner|pki|daemon|transport|stack|template|modules|inventory)\/|^lab\/(docker|lab)\.ts$/.test(
          file,
        ),
      );
    expect(heavy).toEqual([]);
  });
});
