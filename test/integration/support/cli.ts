import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `ingress ARGS` from source as a user would, in its own process. */
export function runCli(
  args: string[],
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/entry.ts', ...args], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

export interface RecapRow {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
}

/** Reads the PLAY RECAP block of the human output, host by host. */
export function parseRecap(stdout: string): Record<string, RecapRow> {
  const rows: Record<string, RecapRow> = {};
  const recap = stdout.slice(stdout.lastIndexOf('PLAY RECAP'));
  const line = /^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)/gm;
  for (const m of recap.matchAll(line)) {
    rows[m[1] as string] = {
      ok: Number(m[2]),
      changed: Number(m[3]),
      unreachable: Number(m[4]),
      failed: Number(m[5]),
      skipped: Number(m[6]),
    };
  }
  return rows;
}

/** Every PLAY RECAP block in order (`ingress up` prints one per phase). */
export function parseRecaps(stdout: string): Record<string, RecapRow>[] {
  return stdout
    .split('PLAY RECAP')
    .slice(1)
    .map((block) => parseRecap(`PLAY RECAP${block.split(/\n\s*\n/)[0] ?? ''}`));
}
