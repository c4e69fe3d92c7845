import { spawn } from 'node:child_process';
import { access, chmod, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliResult } from './cli.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The shell commands of the README's "Set up" section that use `ingress`, in order. */
export async function readmeLabCommands(): Promise<string[]> {
  const readme = await readFile(join(repoRoot, 'README.md'), 'utf8');
  const setUp = readme.slice(
    readme.indexOf('## Set up'),
    readme.indexOf('\n## ', readme.indexOf('## Set up') + 1),
  );
  const blocks = [...setUp.matchAll(/```sh\n([^]*?)```/g)].map((m) => m[1] ?? '');
  return blocks
    .flatMap((block) => block.split('\n'))
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .map((line) => line.slice(line.lastIndexOf('&& ') === -1 ? 0 : line.lastIndexOf('&& ') + 3))
    .filter((line) => line.startsWith('ingress '));
}

/**
 * A folder with an `ingress` on PATH (the built CLI, as `npm link` installs it)
 * and an empty working directory, so README lines run exactly as written.
 */
export async function readmeShell(): Promise<{
  cwd: string;
  run(line: string, timeoutMs?: number): Promise<CliResult>;
}> {
  const built = join(repoRoot, 'dist', 'cli', 'ingress.cjs');
  await access(built).catch(() => {
    throw new Error(`${built} is missing: run \`npm run build\` before this test (CI does)`);
  });
  const root = await mkdtemp(join(tmpdir(), 'ingress-readme-'));
  const bin = join(root, 'bin');
  const cwd = join(root, 'work');
  await mkdir(bin, { recursive: true });
  await mkdir(cwd, { recursive: true });
  await writeFile(
    join(bin, 'ingress'),
    `#!/bin/sh\nexec ${process.execPath} ${join(repoRoot, 'bin', 'ingress.cjs')} "$@"\n`,
  );
  await chmod(join(bin, 'ingress'), 0o755);
  const env = { ...process.env, NO_COLOR: '1', PATH: `${bin}:${process.env['PATH'] ?? ''}` };
  return {
    cwd,
    run: (line, timeoutMs = 900_000) =>
      new Promise((resolve, reject) => {
        const child = spawn('/bin/sh', ['-c', line], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        child.on('error', reject);
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code: code ?? -1, stdout, stderr });
        });
      }),
  };
}
