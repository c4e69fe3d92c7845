import { fileURLToPath } from 'node:url';
import { timedRun } from '../../../bench/lib/timed.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `ingress ARGS` from source as a user would, in its own process. */
export async function runCli(
  args: string[],
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<CliResult> {
  const { code, stdout, stderr } = await timedRun(
    process.execPath,
    ['--import', 'tsx', 'src/cli/entry.ts', ...args],
    { cwd: repoRoot, timeoutMs: options.timeoutMs ?? 300_000, ...(options.env ? { env: options.env } : {}) },
  );
  return { code, stdout, stderr };
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
