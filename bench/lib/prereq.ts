import { execFile } from 'node:child_process';
import { access, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Section } from './args.js';

const run = promisify(execFile);

export const REPO_ROOT = new URL('../../', import.meta.url);
/** The CLI as `npm link` installs it: every section runs `ingress` through this file. */
export const INGRESS_BIN = fileURLToPath(new URL('bin/ingress.cjs', REPO_ROOT));

async function works(file: string, args: string[]): Promise<boolean> {
  try {
    await run(file, args, { timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

const exists = (path: string): Promise<boolean> =>
  access(new URL(path, REPO_ROOT)).then(
    () => true,
    () => false,
  );

/** What each section needs on this machine; a missing piece is named with how to get it. */
export async function missingPrerequisites(sections: readonly Section[]): Promise<Map<Section, string[]>> {
  const docker = await works('docker', ['info', '--format', '{{.ServerVersion}}']);
  const built =
    (await exists('dist/cli/ingress.cjs')) &&
    (await exists('dist/node/ingress-node.js')) &&
    (await exists('dist/node/ingress-daemon.js'));
  const ansible = await works('ansible-playbook', ['--version']);
  const out = new Map<Section, string[]>();
  for (const section of sections) {
    const missing: string[] = [];
    if (section !== 'handshake' && section !== 'startup' && !docker)
      missing.push('a running Docker engine (apt-get install docker.io; dockerd &)');
    if (section !== 'handshake' && !built) missing.push('the build (npm run build: dist/cli and dist/node)');
    if (section === 'provisioning' && !ansible)
      missing.push('ansible-playbook, the baseline (apt-get install ansible-core)');
    if (missing.length > 0) out.set(section, missing);
  }
  return out;
}

const INOTIFY_INSTANCES = '/proc/sys/fs/inotify/max_user_instances';

/**
 * Each systemd container holds several inotify instances and the kernel's default is 128 per
 * user, so thirty lab hosts do not boot. As root the bench raises the limit; otherwise it says how.
 */
export async function ensureInotifyInstances(min = 1024): Promise<string | null> {
  const current = Number((await readFile(INOTIFY_INSTANCES, 'utf8').catch(() => '0')).trim());
  if (current >= min) return null;
  try {
    await writeFile(INOTIFY_INSTANCES, String(min));
    return `raised fs.inotify.max_user_instances from ${current} to ${min} for the 30-host runs`;
  } catch {
    return `fs.inotify.max_user_instances is ${current}: 30 systemd hosts may not boot (as root: sysctl -w fs.inotify.max_user_instances=${min})`;
  }
}
