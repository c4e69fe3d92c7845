import { spawn } from 'node:child_process';

export interface TimedRun {
  ms: number;
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to its end and measures its wall-clock time, as a user waiting for it sees it. */
export function timedRun(
  file: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {},
): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: '1', ANSIBLE_NOCOLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 900_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, code: code ?? -1, stdout, stderr });
    });
  });
}

/** A failed run is not a figure: it stops the section with what the program said. */
export function mustSucceed(what: string, r: TimedRun): TimedRun {
  if (r.code !== 0)
    throw new Error(`${what} failed (exit ${r.code}):\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
  return r;
}
