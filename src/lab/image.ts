import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { IngressError } from '../errors.js';

/** The recipe sits at the repository root, two levels above both src/lab and dist/lab. */
export const BUILD_SCRIPT = fileURLToPath(new URL('../../images/test-host/build.sh', import.meta.url));

function runBuild(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    // The build's progress goes to stderr, where the user can follow it; stdout is the tag.
    const child = spawn('bash', [BUILD_SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const tag = Buffer.concat(out).toString('utf8').trim().split('\n').pop() ?? '';
      if (code === 0 && tag) resolve(tag);
      else
        reject(
          new IngressError('E_LAB', `building the test-host image failed (${BUILD_SCRIPT} exited ${code})`),
        );
    });
  });
}

let built: Promise<string> | undefined;

/** Builds the test-host image unless the current recipe's tag exists already; returns the tag. */
export function ensureTestImage(): Promise<string> {
  built ??= runBuild([]).catch((err: unknown) => {
    built = undefined;
    throw err;
  });
  return built;
}
