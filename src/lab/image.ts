import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { IngressError } from '../errors.js';

/** The recipes sit at the repository root, two levels above both src/lab and dist/lab. */
export const BUILD_SCRIPT = fileURLToPath(new URL('../../images/build.sh', import.meta.url));

/** `node`: a bare VPS as a provider hands it over; `services`: DNS, ACME, demo, client, package cache. */
export type ImageKind = 'node' | 'services';
export type DebianRelease = 12 | 13;

export const DEBIAN_RELEASES: readonly DebianRelease[] = [13, 12];

/** Debian release of the lab's nodes: INGRESS_LAB_DEBIAN (13 or 12), 13 when unset. */
export function labDebian(env: NodeJS.ProcessEnv = process.env): DebianRelease {
  const raw = env['INGRESS_LAB_DEBIAN'];
  if (raw === undefined || raw === '') return 13;
  return parseDebian(raw, 'INGRESS_LAB_DEBIAN');
}

export function parseDebian(raw: string, what: string): DebianRelease {
  const found = DEBIAN_RELEASES.find((r) => String(r) === raw.trim());
  if (found === undefined)
    throw new IngressError('E_USAGE', `${what}: Debian ${raw} is not supported (13 or 12)`);
  return found;
}

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
          new IngressError(
            'E_LAB',
            `building the ${args.join(' ')} image failed (${BUILD_SCRIPT} exited ${code})`,
          ),
        );
    });
  });
}

const built = new Map<string, Promise<string>>();

/** Builds the image unless the current recipe's tag exists already; returns the tag. */
export function ensureImage(kind: ImageKind, debian: DebianRelease = 13): Promise<string> {
  const key = `${kind} ${debian}`;
  let pending = built.get(key);
  if (!pending) {
    pending = runBuild([kind, String(debian)]).catch((err: unknown) => {
      built.delete(key);
      throw err;
    });
    built.set(key, pending);
  }
  return pending;
}
