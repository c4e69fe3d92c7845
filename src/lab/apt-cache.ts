import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import type Dockerode from 'dockerode';
import { IngressError } from '../errors.js';
import { docker, dockerode } from './docker.js';
import { ensureImage } from './image.js';

/**
 * One apt-cacher-ng for every lab on this machine: the only lab container with a
 * routed network, and it talks only to Debian's mirror. Its cache folder outlives
 * labs and test runs, so a package is downloaded once per machine.
 */
export const APT_CACHE_CONTAINER = 'ingress-apt-cache';
export const APT_CACHE_NETWORK = 'ingress-apt-egress';
export const APT_CACHE_ALIAS = 'apt-cache';
export const APT_CACHE_PORT = 3142;
export const APT_CACHE_DIR = process.env['INGRESS_APT_CACHE_DIR'] ?? '/var/cache/ingress-apt';
const CACHE_LABEL = 'ingress.apt-cache';
const MIRROR_SCRIPT = fileURLToPath(new URL('../../images/host-mirror.sh', import.meta.url));

/**
 * The sources a lab node gets at boot, as a provider's image points at the provider's
 * mirror. By address: a node's own firewall (a role's `flush ruleset`) may remove the
 * rules behind Docker's name server, and apt must keep working.
 */
export function aptSources(suite: string, cacheAddress: string): string {
  const base = `http://${cacheAddress}:${APT_CACHE_PORT}`;
  return [
    `deb ${base}/debian ${suite} main`,
    `deb ${base}/debian ${suite}-updates main`,
    `deb ${base}/debian-security ${suite}-security main`,
    '',
  ].join('\n');
}

async function hostMirror(): Promise<string> {
  if (process.env['DEBIAN_MIRROR']) return process.env['DEBIAN_MIRROR'];
  const { stdout } = await promisify(execFile)('bash', [MIRROR_SCRIPT]);
  return stdout.trim();
}

async function ensureEgressNetwork(api: Dockerode): Promise<void> {
  const found = await api.listNetworks({ filters: JSON.stringify({ name: [APT_CACHE_NETWORK] }) });
  if (found.some((n) => n.Name === APT_CACHE_NETWORK)) return;
  await api
    .createNetwork({
      Name: APT_CACHE_NETWORK,
      Driver: 'bridge',
      CheckDuplicate: true,
      Labels: { [CACHE_LABEL]: '1' },
    })
    .catch((err: { statusCode?: number }) => {
      if (err.statusCode !== 409) throw err;
    });
}

function cacheCommand(mirror: string): string {
  // The backend is the mirror this machine uses; security updates keep acng's own mapping.
  return [
    `printf '%s\\n' '${mirror.replace(/'/g, '')}' > /etc/apt-cacher-ng/backends_debian`,
    'chown -R apt-cacher-ng:apt-cacher-ng /var/cache/apt-cacher-ng',
    'mkdir -p /run/apt-cacher-ng && chown apt-cacher-ng: /run/apt-cacher-ng',
    'exec runuser -u apt-cacher-ng -- /usr/sbin/apt-cacher-ng -c /etc/apt-cacher-ng ForeGround=1 Port=3142',
  ].join(' && ');
}

async function createCache(api: Dockerode): Promise<Dockerode.Container> {
  const image = await ensureImage('services', 13);
  await mkdir(APT_CACHE_DIR, { recursive: true });
  const container = await api.createContainer({
    name: APT_CACHE_CONTAINER,
    Image: image,
    Entrypoint: ['/bin/sh', '-c', cacheCommand(await hostMirror())],
    Labels: { [CACHE_LABEL]: '1' },
    HostConfig: {
      Binds: [`${APT_CACHE_DIR}:/var/cache/apt-cacher-ng`],
      NetworkMode: APT_CACHE_NETWORK,
      RestartPolicy: { Name: 'unless-stopped' },
    },
  });
  return container;
}

let ready: Promise<Dockerode.Container> | undefined;

async function startCache(): Promise<Dockerode.Container> {
  const api = await dockerode();
  await docker('create the package-cache network', () => ensureEgressNetwork(api));
  let container = api.getContainer(APT_CACHE_CONTAINER);
  const info = await container.inspect().catch(() => undefined);
  if (!info) {
    container = await docker('create the package cache', () =>
      createCache(api).catch(async (err: { statusCode?: number }) => {
        // Another process made it first: use that one.
        if (err.statusCode === 409) return api.getContainer(APT_CACHE_CONTAINER);
        throw err;
      }),
    );
  }
  const state = (await container.inspect()).State;
  if (!state.Running)
    await docker('start the package cache', () =>
      container.start().catch((err: { statusCode?: number }) => {
        if (err.statusCode !== 304) throw err;
      }),
    );
  return container;
}

/** Starts the machine's package cache if it is not running; returns its container. */
export function ensureAptCache(): Promise<Dockerode.Container> {
  ready ??= startCache().catch((err: unknown) => {
    ready = undefined;
    throw err instanceof IngressError
      ? err
      : new IngressError('E_LAB', `package cache: ${String(err)}`, { cause: err });
  });
  return ready;
}

/** Puts the cache on a lab network under the name `apt-cache`; returns its address there. */
export async function attachAptCache(dockerNetworkName: string): Promise<string> {
  const cache = await ensureAptCache();
  const api = await dockerode();
  await docker(`connect the package cache to ${dockerNetworkName}`, () =>
    api
      .getNetwork(dockerNetworkName)
      .connect({ Container: cache.id, EndpointConfig: { Aliases: [APT_CACHE_ALIAS] } })
      .catch((err: { statusCode?: number; message?: string }) => {
        if (!/already exists/.test(err.message ?? '')) throw err;
      }),
  );
  const info = await docker('inspect the package cache', () => cache.inspect());
  const address = info.NetworkSettings.Networks[dockerNetworkName]?.IPAddress;
  if (!address) throw new IngressError('E_LAB', `the package cache has no address on ${dockerNetworkName}`);
  return address;
}
