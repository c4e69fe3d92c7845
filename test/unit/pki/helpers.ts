import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { csrCommand } from '../../../src/pki/issue.js';
import type { KeyType } from '../../../src/pki/crypto.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], cwd?: string): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

export const openssl = (args: string[], cwd?: string): Promise<RunResult> => run('openssl', args, cwd);

export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'ingress-pki-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Makes a key and CSR exactly as a node would, with the command the runner sends over SSH. */
export async function nodeCsr(dir: string, name: string, keyType: KeyType = 'ecdsa-p256'): Promise<string> {
  const command = csrCommand({
    name,
    keyPath: join(dir, `${name}.key`),
    csrPath: join(dir, `${name}.csr`),
    keyType,
  });
  const result = await run('sh', ['-c', command], dir);
  if (result.code !== 0) throw new Error(`csr command failed: ${result.stderr}`);
  return readFile(join(dir, `${name}.csr`), 'utf8');
}
