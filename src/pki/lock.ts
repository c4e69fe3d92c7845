import { randomBytes } from 'node:crypto';
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { IngressError } from '../errors.js';
import { sleep } from '../time/sleep.js';

export interface LockOptions {
  /** How long to wait for another holder before giving up. */
  timeoutMs?: number;
  /** A lock older than this is stale even if its holder looks alive (e.g. a hung process). */
  staleMs?: number;
  /** Sleeps between attempts grow up to this. */
  maxBackoffMs?: number;
}

interface LockOwner {
  pid: number;
  host: string;
  token: string;
  createdAt: number;
}

const LOCK_FILE = '.lock';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}

/** A lock is stale when its holder died on this host, or when it is older than staleMs. */
async function isStale(path: string, staleMs: number): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return false;
  if (Date.now() - info.mtimeMs > staleMs) return true;
  const owner = await readOwner(path);
  // An empty or half-written file: its writer may still be filling it; let age decide.
  if (!owner) return false;
  return owner.host === hostname() && !processAlive(owner.pid);
}

async function tryCreate(path: string, owner: LockOwner): Promise<boolean> {
  try {
    const handle = await open(path, 'wx', 0o600);
    await handle.writeFile(JSON.stringify(owner));
    await handle.close();
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/**
 * Breaking a stale lock is itself guarded by an O_EXCL file, so two waiters cannot
 * both judge the old lock stale and one delete the lock the other just took.
 */
async function breakStale(dir: string, staleMs: number): Promise<void> {
  const lockPath = join(dir, LOCK_FILE);
  const breakPath = join(dir, `${LOCK_FILE}.break`);
  const breaker: LockOwner = { pid: process.pid, host: hostname(), token: 'break', createdAt: Date.now() };
  if (!(await tryCreate(breakPath, breaker))) {
    if (await isStale(breakPath, Math.min(staleMs, 10_000))) await unlink(breakPath).catch(() => undefined);
    return;
  }
  try {
    if (await isStale(lockPath, staleMs)) await unlink(lockPath).catch(() => undefined);
  } finally {
    await unlink(breakPath).catch(() => undefined);
  }
}

/** Runs fn while holding `<dir>/.lock` (O_EXCL); fn must re-read any state it depends on. */
export async function withLock<T>(dir: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const { timeoutMs = 30_000, staleMs = 120_000, maxBackoffMs = 200 } = options;
  const lockPath = join(dir, LOCK_FILE);
  const owner: LockOwner = {
    pid: process.pid,
    host: hostname(),
    token: randomBytes(8).toString('hex'),
    createdAt: Date.now(),
  };
  const deadline = Date.now() + timeoutMs;
  let backoffMs = 5;
  while (!(await tryCreate(lockPath, owner))) {
    if (Date.now() > deadline) {
      throw new IngressError('E_PKI', `timed out after ${timeoutMs} ms waiting for the PKI lock ${lockPath}`);
    }
    await breakStale(dir, staleMs);
    await sleep(backoffMs + Math.random() * backoffMs);
    backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
  }
  try {
    return await fn();
  } finally {
    // Only remove the lock if it is still ours (a stale-breaker may have taken over after staleMs).
    const current = await readOwner(lockPath);
    if (current?.token === owner.token) await unlink(lockPath).catch(() => undefined);
  }
}
