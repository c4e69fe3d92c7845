import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, rename, symlink, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Creates a folder (and parents) and forces its mode, since mkdir's mode is filtered by umask. */
export async function ensureDir(path: string, mode = 0o700): Promise<void> {
  await mkdir(path, { recursive: true, mode });
  await chmod(path, mode);
}

/** Where a new `path` is written before the rename: beside it, named after the writing process. */
export function tempName(path: string): string {
  return `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** The process that is writing `path`, if it is a tempName; whether it still runs is the caller's question. */
export function tempWriterPid(path: string): number | undefined {
  const pid = /\.tmp-(\d+)-[0-9a-f]{8}$/.exec(path)?.[1];
  return pid === undefined ? undefined : Number(pid);
}

/**
 * Readers see the old file or the new one, never a torn write: the content goes to a
 * temp file created with its final mode (a key is never briefly world-readable),
 * is fsynced, then renamed over the target.
 */
export async function writeFileAtomic(path: string, content: string | Buffer, mode = 0o644): Promise<void> {
  const tmp = tempName(path);
  const handle = await open(tmp, 'wx', mode);
  try {
    await handle.writeFile(content);
    await handle.chmod(mode);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await syncDir(dirname(path));
}

/** Points `path` at `target` atomically (symlink to a temp name, then rename). */
export async function symlinkAtomic(target: string, path: string): Promise<void> {
  const tmp = tempName(path);
  await symlink(target, tmp);
  await rename(tmp, path);
}

async function syncDir(path: string): Promise<void> {
  // Makes the rename itself durable; some file systems refuse fsync on a folder, which is harmless.
  const handle = await open(path, 'r').catch(() => undefined);
  if (!handle) return;
  await handle.sync().catch(() => undefined);
  await handle.close();
}
