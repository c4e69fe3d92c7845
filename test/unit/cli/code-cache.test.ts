import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeCacheDir, codeCacheName, loadWithCodeCache, privateDir } from '../../../src/cli/code-cache.js';
import { cacheCommand } from '../../../src/cli/launch.js';

let root = '';

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ingress-code-cache-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A CommonJS module with a function, a require and a dynamic import, as the CLI bundle has. */
const moduleSource = (answer: number) =>
  [
    `exports.answer = () => ${answer};`,
    "exports.sep = require('node:path').sep;",
    "exports.later = () => import('node:os').then((os) => typeof os.tmpdir);",
    '',
  ].join('\n');

async function fixture(name: string, answer: number): Promise<{ file: string; dir: string }> {
  const folder = join(root, name);
  await mkdir(folder, { recursive: true });
  const file = join(folder, 'bundle.cjs');
  await writeFile(file, moduleSource(answer));
  return { file, dir: join(folder, 'cache') };
}

interface Fixture {
  answer(): number;
  sep: string;
  later(): Promise<string>;
}

describe('where the code cache lives', () => {
  it('follows XDG_CACHE_HOME, then HOME, and can be turned off', () => {
    expect(codeCacheDir({ XDG_CACHE_HOME: '/x', HOME: '/h' })).toBe('/x/ingress/code-cache');
    expect(codeCacheDir({ HOME: '/h' })).toBe('/h/.cache/ingress/code-cache');
    expect(codeCacheDir({})).toBeUndefined();
    expect(codeCacheDir({ HOME: '/h', INGRESS_CODE_CACHE: 'off' })).toBeUndefined();
  });

  it('names a cache after the command and every byte of the bundle', () => {
    const a = codeCacheName(Buffer.from('exports.a = 1;'), 'play');
    expect(a).toMatch(/^play-[0-9a-f]{32}\.v8$/);
    expect(codeCacheName(Buffer.from('exports.a = 2;'), 'play')).not.toBe(a);
    expect(codeCacheName(Buffer.from('exports.a = 1;'), 'up')).toMatch(/^up-/);
    expect(codeCacheName(Buffer.from('x'), '../../etc/passwd')).toMatch(/^other-/);
  });

  it('files help under its own name, and a run under its command word', () => {
    expect(cacheCommand(['play', 'site.yml', '-i', 'hosts.yml'])).toBe('play');
    expect(cacheCommand(['-v', 'up'])).toBe('up');
    expect(cacheCommand(['play', '--help'])).toBe('help');
    expect(cacheCommand([])).toBe('help');
  });

  it('creates a private folder and refuses one others may write', async () => {
    const mine = join(root, 'private', 'code-cache');
    expect(privateDir(mine)).toBe(true);
    expect((await stat(mine)).mode & 0o777).toBe(0o700);
    const shared = join(root, 'shared');
    await mkdir(shared);
    await chmod(shared, 0o777);
    expect(privateDir(shared)).toBe(false);
  });
});

describe('loading through the code cache', () => {
  it('compiles, stores the cache privately, then loads from it', async () => {
    const { file, dir } = await fixture('roundtrip', 42);
    const first = loadWithCodeCache<Fixture>(file, { dir, command: 'play' });
    expect(first.cache).toBe('missing');
    expect(first.exports.answer()).toBe(42);
    first.save();
    const [cacheFile] = await readdir(dir);
    expect(cacheFile).toMatch(/^play-.*\.v8$/);
    expect((await stat(join(dir, cacheFile ?? ''))).mode & 0o777).toBe(0o600);
    const second = loadWithCodeCache<Fixture>(file, { dir, command: 'play' });
    expect(second.cache).toBe('hit');
    expect(second.exports.answer()).toBe(42);
    expect(second.exports.sep).toBe('/');
    await expect(second.exports.later()).resolves.toBe('function');
  });

  it('never runs a cache made for other bytes of the same length', async () => {
    const { file, dir } = await fixture('same-length', 41);
    loadWithCodeCache<Fixture>(file, { dir, command: 'play' }).save();
    await writeFile(file, moduleSource(43));
    const changed = loadWithCodeCache<Fixture>(file, { dir, command: 'play' });
    expect(changed.cache).toBe('missing');
    expect(changed.exports.answer()).toBe(43);
  });

  it('keeps one cache per command, dropping those of earlier bundles', async () => {
    const { file, dir } = await fixture('one-per-command', 1);
    loadWithCodeCache<Fixture>(file, { dir, command: 'play' }).save();
    loadWithCodeCache<Fixture>(file, { dir, command: 'ca' }).save();
    const earlier = (await readdir(dir)).sort();
    await writeFile(file, moduleSource(2));
    loadWithCodeCache<Fixture>(file, { dir, command: 'play' }).save();
    const now = (await readdir(dir)).sort();
    expect(now).toHaveLength(2);
    expect(now).toContain(earlier.find((name) => name.startsWith('ca-')));
    expect(now).not.toContain(earlier.find((name) => name.startsWith('play-')));
    expect(now.find((name) => name.startsWith('play-'))).toBe(codeCacheName(await readFile(file), 'play'));
  });

  it('reads a bundle that is not plain ASCII as UTF-8, through its cache too', async () => {
    const { file, dir } = await fixture('utf8', 3);
    await writeFile(file, "exports.answer = () => '\u25cf'.length + '●'.length;\n");
    loadWithCodeCache<{ answer(): number }>(file, { dir, command: 'play' }).save();
    const cached = loadWithCodeCache<{ answer(): number }>(file, { dir, command: 'play' });
    expect(cached.cache).toBe('hit');
    expect(cached.exports.answer()).toBe(2);
  });

  it('compiles as usual when the cache is damaged, and replaces it', async () => {
    // Damaged before this process compiles the source: V8 would otherwise reuse its own copy.
    const { file, dir } = await fixture('damaged', 7);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const name = codeCacheName(await readFile(file), 'play');
    await writeFile(join(dir, name), Buffer.alloc(4096, 0xab));
    const damaged = loadWithCodeCache<Fixture>(file, { dir, command: 'play' });
    expect(damaged.cache).toBe('rejected');
    expect(damaged.exports.answer()).toBe(7);
    damaged.save();
    expect(loadWithCodeCache<Fixture>(file, { dir, command: 'play' }).cache).toBe('hit');
  });

  it('works without a cache folder, or with one it may not use', async () => {
    const { file } = await fixture('no-folder', 5);
    const none = loadWithCodeCache<Fixture>(file, { dir: undefined, command: 'play' });
    expect(none).toMatchObject({ cache: 'none' });
    expect(none.exports.answer()).toBe(5);
    const shared = join(root, 'shared-cache');
    await mkdir(shared);
    await chmod(shared, 0o777);
    const refused = loadWithCodeCache<Fixture>(file, { dir: shared, command: 'play' });
    expect(refused.cache).toBe('none');
    refused.save();
    expect(await readdir(shared)).toEqual([]);
  });
});
