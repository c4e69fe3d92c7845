import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStackLab, type StackLab } from '../../../src/lab/stack-lab.js';
import { runCli } from '../support/cli.js';

// Debian 12's own Yggdrasil is 0.4, which cannot peer with the 0.5 that `ingress up`
// installs (from bookworm-backports): a fleet that would mix them is refused up front.
let stack: StackLab;
const NODES = ['ingress-1', 'ingress-2', 'proxy'] as const;

async function sh(host: (typeof NODES)[number], command: string): Promise<string> {
  const result = await stack.hosts[host].exec(command);
  if (result.rc !== 0) throw new Error(`${host}: ${command}: ${result.stderr}`);
  return result.stdout.trim();
}

/** What would show any change: dpkg's log, and the folders ingress up makes. */
const footprint = (host: (typeof NODES)[number]): Promise<string> =>
  sh(host, 'wc -l < /var/log/dpkg.log; ls -d /etc/ingress /etc/haproxy 2>/dev/null || true');

beforeAll(async () => {
  stack = await startStackLab({ base: 236, debian: 12 });
  // A node someone set up by hand with Debian 12's own package.
  await sh(
    'ingress-1',
    'apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q yggdrasil >/dev/null',
  );
}, 600_000);

afterAll(async () => {
  await stack?.close();
});

describe('a fleet that would mix Yggdrasil 0.4 and 0.5', () => {
  it('is refused before any change, naming the nodes and both versions', async () => {
    expect(await sh('ingress-1', "dpkg-query -W -f='${Version}' yggdrasil")).toMatch(/^0\.4\./);
    const before = await Promise.all(NODES.map(footprint));
    const run = await runCli(['up', '-i', stack.inventoryDir, '--known-hosts', stack.lab.knownHostsFile]);
    expect(run.code, run.stdout + run.stderr).toBe(65);
    expect(run.stderr).toMatch(/Yggdrasil versions would mix on the mesh, and 0\.4 and 0\.5 cannot peer/);
    expect(run.stderr).toMatch(/0\.4 on ingress-1 \(0\.4\.7[^)]* installed\)/);
    expect(run.stderr).toMatch(
      /0\.5 on ingress-2 \(0\.5, to be installed\), proxy \(0\.5, to be installed\)/,
    );
    expect(run.stdout).not.toContain('PLAY [');
    expect(await Promise.all(NODES.map(footprint))).toEqual(before);
  }, 120_000);
});
