import { spawn } from 'node:child_process';
import { isAscii } from 'node:buffer';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * `npm run build` runs on every `npm pack`, often while an `ingress` of the same checkout is
 * running (a lab command, a test): every shipped file must stay in place while it rebuilds.
 */
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const DIST = join(REPO, 'dist');
const SHIPPED = [
  'cli/launch.cjs',
  'cli/ingress.cjs',
  'node/ingress-node.js',
  'node/ingress-daemon.js',
  'node/package.json',
];
const BUILDS = 3;

function build(): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', 'build'], { cwd: REPO, stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', resolve);
  });
}

/** Looks for every shipped file until `done` settles; the names it ever found missing. */
async function watchMissing(done: Promise<unknown>): Promise<Set<string>> {
  let finished = false;
  void done.finally(() => (finished = true));
  const missing = new Set<string>();
  while (!finished) {
    for (const file of SHIPPED) await access(join(DIST, file)).catch(() => missing.add(file));
  }
  return missing;
}

describe('npm run build', () => {
  it('keeps every shipped file in place while it rebuilds, twice at once, and removes what it no longer ships', async () => {
    await mkdir(join(DIST, 'cli', 'old'), { recursive: true });
    await writeFile(join(DIST, 'cli', 'old', 'left-over.js'), '');
    await writeFile(join(DIST, 'left-over.txt'), '');
    const codes: (number | null)[] = [];
    const missing = new Set<string>();
    for (let i = 0; i < BUILDS; i += 1) {
      // Two at once, as `npm pack` may run beside a build: neither may remove the other's files.
      const built = Promise.all([build(), build()]);
      for (const file of await watchMissing(built)) missing.add(file);
      codes.push(...(await built));
    }
    expect(codes).toEqual(Array<number>(BUILDS * 2).fill(0));
    expect([...missing]).toEqual([]);
    await expect(access(join(DIST, 'left-over.txt'))).rejects.toThrow();
    await expect(access(join(DIST, 'cli', 'old'))).rejects.toThrow();
    // ASCII, so every start decodes the CLI bundle as Latin-1 rather than checking UTF-8.
    expect(isAscii(await readFile(join(DIST, 'cli', 'ingress.cjs')))).toBe(true);
  }, 120_000);
});
