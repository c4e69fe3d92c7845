// A BIND server in the lab's services image, run as `named -g` (no systemd), on
// an internal docker network the test process reaches by the container's IP.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { ensureImage } from '../../../src/lab/image.js';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';

const run = promisify(execFile);
const fixtures = new URL('../../fixtures/dns/bind/', import.meta.url);
export const ZONES = ['play.test', 'mine.test', 'ref.test'] as const;

export interface BindServer {
  host: string;
  port: number;
  container: StartedTestContainer;
  /** Runs a shell command in the container; rejects on a non-zero exit. */
  sh(command: string, stdin?: string): Promise<string>;
  stop(): Promise<void>;
}

/** The lab's services image (BIND is a supporting server, not a node ingress up manages). */
export function testHostImage(): Promise<string> {
  return ensureImage('services', 13);
}

/** The fixture's options and key, plus one dynamic zone per name. */
function namedConf(base: string, zones: readonly string[]): string {
  const zoneBlocks = zones.map(
    (z) => `zone "${z}" {
\ttype primary;
\tfile "/var/lib/bind/${z}.zone";
\tupdate-policy { grant ingress-test-key zonesub ANY; };
};`,
  );
  return [base, ...zoneBlocks].join('\n');
}

export async function startBind(): Promise<BindServer> {
  const conf = await readFile(new URL('named.conf', fixtures), 'utf8');
  const zone = await readFile(new URL('zone.db', fixtures), 'utf8');
  const key = await readFile(new URL('update.key', fixtures), 'utf8');
  const network = `ingress-dns-${randomBytes(4).toString('hex')}`;
  await run('docker', ['network', 'create', '--internal', network]);
  try {
    const container = await new GenericContainer(await testHostImage())
      .withNetworkMode(network)
      .withEntrypoint(['named'])
      .withCommand(['-g', '-c', '/etc/bind/ingress/named.conf'])
      .withCopyContentToContainer([
        { content: namedConf(conf, ZONES), target: '/etc/bind/ingress/named.conf' },
        { content: key, target: '/etc/bind/ingress/update.key', mode: 0o600 },
        ...ZONES.map((z) => ({ content: zone, target: `/var/lib/bind/${z}.zone` })),
      ])
      // The last startup line is "<time> running"; the first one is "running as: named ...".
      .withWaitStrategy(Wait.forLogMessage(/ running$/))
      .withStartupTimeout(60_000)
      .start();
    const sh = async (command: string, stdin?: string): Promise<string> => {
      const script = stdin === undefined ? command : `${command} <<'EOF_INPUT'\n${stdin}\nEOF_INPUT`;
      const result = await container.exec(['sh', '-c', script]);
      if (result.exitCode !== 0) throw new Error(`${command} exited ${result.exitCode}: ${result.output}`);
      return result.stdout;
    };
    const stop = async (): Promise<void> => {
      await container.stop();
      await run('docker', ['network', 'rm', network]);
    };
    return { host: container.getIpAddress(network), port: 53, container, sh, stop };
  } catch (err) {
    await run('docker', ['network', 'rm', network]).catch(() => undefined);
    throw err;
  }
}
