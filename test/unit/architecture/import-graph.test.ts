import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The folders under src/ depend on each other one way only: a folder may import a folder of
 * its own layer or of a lower one, never a higher one, and no chain of imports comes back
 * to where it started. Type-only imports count: they tie the folders together as much as
 * value imports do, only later.
 */
const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));

/** Highest first; `.` is a file directly under src/ (errors.ts). */
const LAYERS: readonly (readonly string[])[] = [
  ['cli'],
  ['stack', 'lab'],
  ['runner', 'daemon', 'pki'],
  ['modules', 'facts', 'dns', 'firewall', 'haproxy', 'metrics'],
  ['transport', 'template', 'inventory', 'yaml', 'fs', 'text', 'time'],
  ['.'],
];

interface SourceFile {
  /** Relative to src/, with `/` between segments. */
  path: string;
  text: string;
}

/** An edge between two folders, with one file that makes it, so a failure says where to look. */
type FolderGraph = Map<string, Map<string, string>>;

const SPECIFIER = /\b(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g;

/** `cli` for `cli/commands/up.ts`; `.` for a file directly under src/. */
function folderOf(path: string): string {
  const slash = path.indexOf('/');
  return slash < 0 ? '.' : path.slice(0, slash);
}

function buildGraph(files: readonly SourceFile[]): FolderGraph {
  const graph: FolderGraph = new Map();
  for (const file of files) {
    const from = folderOf(file.path);
    for (const match of file.text.matchAll(SPECIFIER)) {
      const target = normalize(join(dirname(file.path), match[1] ?? ''))
        .split(sep)
        .join('/');
      if (target.startsWith('..')) continue;
      const to = folderOf(target);
      if (to === from) continue;
      const edges = graph.get(from) ?? new Map<string, string>();
      if (!edges.has(to)) edges.set(to, file.path);
      graph.set(from, edges);
    }
  }
  return graph;
}

/** The first cycle found, as the folders in order with the first one again at the end. */
function findCycle(graph: FolderGraph): string[] | null {
  const done = new Set<string>();
  const visit = (node: string, trail: string[]): string[] | null => {
    const at = trail.indexOf(node);
    if (at >= 0) return [...trail.slice(at), node];
    if (done.has(node)) return null;
    for (const next of [...(graph.get(node)?.keys() ?? [])].sort()) {
      const cycle = visit(next, [...trail, node]);
      if (cycle) return cycle;
    }
    done.add(node);
    return null;
  };
  for (const node of [...graph.keys()].sort()) {
    const cycle = visit(node, []);
    if (cycle) return cycle;
  }
  return null;
}

function describeCycle(graph: FolderGraph, cycle: readonly string[]): string {
  const hops = cycle.slice(1).map((to, i) => {
    const from = cycle[i] ?? '';
    return `${from} -> ${to} (${graph.get(from)?.get(to) ?? '?'})`;
  });
  return `import cycle between folders: ${hops.join(', ')}`;
}

/** Edges that point from a lower layer to a higher one, and folders no layer names. */
function layerViolations(graph: FolderGraph): string[] {
  const rank = new Map<string, number>();
  LAYERS.forEach((folders, i) => folders.forEach((f) => rank.set(f, i)));
  const found: string[] = [];
  for (const [from, edges] of graph) {
    for (const [to, file] of edges) {
      const a = rank.get(from);
      const b = rank.get(to);
      if (a === undefined || b === undefined) found.push(`${a === undefined ? from : to}: in no layer`);
      else if (b < a) found.push(`${from} -> ${to} points upward (${file})`);
    }
  }
  return [...new Set(found)].sort();
}

async function sourceFiles(root: string): Promise<SourceFile[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile() && e.name.endsWith('.ts'));
  return Promise.all(
    files.map(async (e) => {
      const full = join(e.parentPath, e.name);
      return { path: relative(root, full).split(sep).join('/'), text: await readFile(full, 'utf8') };
    }),
  );
}

describe('folder import graph', () => {
  it('reads static, re-export, type-only and dynamic imports of relative paths', () => {
    const graph = buildGraph([
      {
        path: 'cli/commands/up.ts',
        text: [
          "import { a } from '../../stack/a.js';",
          "import type { B } from '../../pki/b.js';",
          "export { c } from '../../lab/c.js';",
          "const d = await import('../../daemon/d.js');",
          "import { e } from '../run-program.js';",
          "import { f } from 'commander';",
          "import { g } from '../../errors.js';",
        ].join('\n'),
      },
    ]);
    expect([...(graph.get('cli')?.keys() ?? [])].sort()).toEqual(['.', 'daemon', 'lab', 'pki', 'stack']);
  });

  it('names a cycle through several folders with the file that makes each hop', () => {
    const graph = buildGraph([
      { path: 'daemon/main.ts', text: "import { m } from '../metrics/registry.js';" },
      { path: 'metrics/status.ts', text: "import type { S } from '../dns/types.js';" },
      { path: 'dns/client.ts', text: "const d = await import('../daemon/types.js');" },
      { path: 'errors.ts', text: '' },
    ]);
    const cycle = findCycle(graph);
    expect(cycle).toEqual(['daemon', 'metrics', 'dns', 'daemon']);
    expect(describeCycle(graph, cycle ?? [])).toBe(
      'import cycle between folders: daemon -> metrics (daemon/main.ts), ' +
        'metrics -> dns (metrics/status.ts), dns -> daemon (dns/client.ts)',
    );
  });

  it('flags an import against the layers and a folder no layer names', () => {
    const graph = buildGraph([
      { path: 'dns/node-keys.ts', text: "import { w } from '../pki/fs-atomic.js';" },
      { path: 'gadgets/x.ts', text: "import { e } from '../errors.js';" },
    ]);
    expect(layerViolations(graph)).toEqual([
      'dns -> pki points upward (dns/node-keys.ts)',
      'gadgets: in no layer',
    ]);
  });

  it('has no cycle between the folders of src/', async () => {
    const graph = buildGraph(await sourceFiles(SRC));
    const cycle = findCycle(graph);
    expect(cycle && describeCycle(graph, cycle)).toBeNull();
  });

  it('runs one way: cli -> stack/lab -> runner/daemon/pki -> domains -> foundations -> errors', async () => {
    expect(layerViolations(buildGraph(await sourceFiles(SRC)))).toEqual([]);
  });
});
