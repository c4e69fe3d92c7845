import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Vitest's global set-up: every scratch folder and file a test makes with `os.tmpdir()` lands in
 * one folder of this run, removed when the run ends, so runs leave nothing behind in /tmp.
 * The test workers start after `setup`, so they inherit TMPDIR.
 */
let root: string | null = null;
const before = process.env.TMPDIR;

export function setup(): void {
  root = mkdtempSync(join(tmpdir(), 'ingress-tests-'));
  process.env.TMPDIR = root;
}

export function teardown(): void {
  if (before === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = before;
  if (root) rmSync(root, { recursive: true, force: true });
}
