import { createHash } from 'node:crypto';
import { isAscii } from 'node:buffer';
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import vm from 'node:vm';

/**
 * The CLI is one CommonJS bundle of about 3 MB; compiling it and its dependencies is most of a
 * short command's CPU time. V8 can hand back the code it compiled (a "code cache") and take it
 * again next time, which is what Node 22's `module.enableCompileCache()` does; Node 20, which
 * Debian 13 ships, has no such switch, so the bundle is compiled through `vm.Script` here.
 * Nothing here may fail a command: any problem means compiling as usual.
 */

/** Where caches live: $XDG_CACHE_HOME/ingress or ~/.cache/ingress; none if neither is known. */
export function codeCacheDir(env: NodeJS.ProcessEnv): string | undefined {
  if (env['INGRESS_CODE_CACHE'] === 'off') return undefined;
  const base = env['XDG_CACHE_HOME'] || (env['HOME'] ? join(env['HOME'], '.cache') : undefined);
  return base ? join(base, 'ingress', 'code-cache') : undefined;
}

/**
 * One cache per bundle content, Node build and command: V8 checks the source's length, not its
 * bytes, before it trusts a cache, so the name must change with every byte of the bundle. Each
 * command keeps its own, since a cache holds only what its run compiled.
 */
export function codeCacheName(source: Buffer, command: string): string {
  const digest = createHash('sha256')
    .update(`${process.version}\0${process.arch}\0${process.execArgv.join(' ')}\0`)
    .update(source)
    .digest('hex')
    .slice(0, 32);
  return `${/^[a-z][a-z0-9-]{0,31}$/.test(command) ? command : 'other'}-${digest}.v8`;
}

/**
 * A cache folder is used only if it is a real folder of this user that no one else may write:
 * whoever can write the cache runs code in every later command.
 */
export function privateDir(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = lstatSync(dir);
    const uid = process.getuid?.();
    return stat.isDirectory() && (uid === undefined || stat.uid === uid) && (stat.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Written beside the target and renamed: a concurrent command reads a whole cache or none. */
function writeCache(file: string, data: Buffer): void {
  const partial = `${file}.${process.pid}.partial`;
  try {
    writeFileSync(partial, data, { mode: 0o600 });
    renameSync(partial, file);
  } catch {
    // A cache is an optimisation: a full disk or a read-only home only costs speed.
  }
}

/** A codeCacheName, with its command captured. */
const CACHE_NAME = /^(.+)-[0-9a-f]{32}\.v8$/;

/** A command keeps one cache: those of earlier bundles or Node builds would only fill the disk. */
function dropOtherCaches(kept: string): void {
  const dir = dirname(kept);
  const command = CACHE_NAME.exec(basename(kept))?.[1];
  if (command === undefined) return;
  try {
    for (const name of readdirSync(dir))
      if (name !== basename(kept) && CACHE_NAME.exec(name)?.[1] === command) rmSync(join(dir, name));
  } catch {
    // As for writing: a cache left behind costs disk, never a command.
  }
}

export interface LoadedModule<T> {
  exports: T;
  /** How the cache was used: none (no folder), hit, rejected (V8 refused it), or missing. */
  cache: 'none' | 'hit' | 'rejected' | 'missing';
  /** Stores what this run compiled, if there was no usable cache; call when the work is done. */
  save(): void;
}

type Wrapper = (exports: object, require: NodeJS.Require, module: object, file: string, dir: string) => void;

function plainRequire<T>(file: string): LoadedModule<T> {
  return { exports: createRequire(file)(file) as T, cache: 'none', save: () => undefined };
}

export interface CodeCacheOptions {
  /** The cache folder (see codeCacheDir); none to compile as usual. */
  dir: string | undefined;
  /** The command being run, which names its own cache. */
  command: string;
}

/** Loads a CommonJS file as `require` would, with V8's code cache kept in a private folder. */
export function loadWithCodeCache<T>(file: string, options: CodeCacheOptions): LoadedModule<T> {
  // The bundle's own import() calls (testcontainers, for the lab commands) need Node's loader,
  // which vm.Script code reaches only through this constant (Node 20.12 and later).
  const importModuleDynamically = (vm.constants as Partial<typeof vm.constants> | undefined)
    ?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
  if (!options.dir || !importModuleDynamically || !privateDir(options.dir)) return plainRequire(file);
  const bytes = readFileSync(file);
  const cacheFile = join(options.dir, codeCacheName(bytes, options.command));
  // esbuild writes ASCII: decoding it as Latin-1 copies bytes, where UTF-8 would check each one.
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  const cachedData = readCache(cacheFile);
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    importModuleDynamically,
    ...(cachedData ? { cachedData } : {}),
  });
  const module = { exports: {} as T };
  (script.runInThisContext() as Wrapper)(
    module.exports as object,
    createRequire(file),
    module,
    file,
    dirname(file),
  );
  const cache = !cachedData ? 'missing' : script.cachedDataRejected ? 'rejected' : 'hit';
  return {
    exports: module.exports,
    cache,
    save: () => {
      if (cache === 'hit') return;
      writeCache(cacheFile, script.createCachedData());
      dropOtherCaches(cacheFile);
    },
  };
}
