import type { LabHost } from '../../../src/lab/lab.js';

/**
 * Installs Debian packages on a bare lab node from the lab's package cache, as a
 * user would on a new VPS before a test drives the installed server directly.
 */
export async function installPackages(host: LabHost, names: readonly string[]): Promise<void> {
  const result = await host.exec(
    `apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q ${names.join(' ')} >/dev/null`,
  );
  if (result.rc !== 0)
    throw new Error(
      `${host.name}: installing ${names.join(', ')} failed (rc ${result.rc}): ${result.stderr}`,
    );
}
