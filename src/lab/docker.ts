import type Dockerode from 'dockerode';
import { getContainerRuntimeClient, type ContainerRuntimeClient } from 'testcontainers';
import { IngressError } from '../errors.js';
import { sleep } from '../time/sleep.js';

/** Label on every container and network the lab makes: value = the run id, so cleanup is exact. */
export const LAB_LABEL = 'ingress.lab';

let client: Promise<ContainerRuntimeClient> | undefined;

/**
 * testcontainers' Docker client. The reaper (Ryuk) image cannot be pulled
 * here, so it is switched off and the lab removes what it made itself.
 */
export function runtimeClient(): Promise<ContainerRuntimeClient> {
  process.env['TESTCONTAINERS_RYUK_DISABLED'] ??= 'true';
  client ??= getContainerRuntimeClient().catch((err: unknown) => {
    client = undefined;
    throw new IngressError('E_DOCKER', `cannot reach Docker: ${(err as Error).message}`, { cause: err });
  });
  return client;
}

export async function dockerode(): Promise<Dockerode> {
  return (await runtimeClient()).container.dockerode;
}

/** Wraps a Docker API failure with what the lab was doing. */
export async function docker<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof IngressError) throw err;
    throw new IngressError('E_DOCKER', `docker: ${what}: ${(err as Error).message}`, { cause: err });
  }
}

/** Removes every container, then every network, labelled with this run id (or with any run id). */
export async function removeLabResources(runId?: string): Promise<void> {
  const api = await dockerode();
  const filters = JSON.stringify({ label: [runId === undefined ? LAB_LABEL : `${LAB_LABEL}=${runId}`] });
  const containers = await docker('list containers', () => api.listContainers({ all: true, filters }));
  await Promise.all(
    containers.map((c) =>
      docker(`remove container ${c.Names[0] ?? c.Id}`, () =>
        api.getContainer(c.Id).remove({ force: true, v: true }),
      ),
    ),
  );
  const networks = await docker('list networks', () => api.listNetworks({ filters }));
  const stale = await Promise.all(networks.map((n) => removeNetwork(api, n.Id, n.Name)));
  for (const name of stale.filter((n): n is string => n !== null))
    process.stderr.write(
      `warning: docker keeps a stale endpoint on network ${name} with no container attached; ` +
        'it goes when dockerd restarts (later labs use other address ranges meanwhile)\n',
    );
}

const STALE_RETRIES_MS = [500, 1000, 2000, 4000];

/**
 * Removes one lab network, unplugging what is still attached (the shared package cache is not
 * the lab's: it keeps running). Docker frees a removed container's endpoint asynchronously, so
 * "active endpoints" is retried; one it never frees (a dockerd bug) leaves the network behind,
 * named in the return value rather than failing the whole teardown.
 */
async function removeNetwork(api: Dockerode, id: string, name: string): Promise<string | null> {
  const network = api.getNetwork(id);
  for (let attempt = 0; ; attempt += 1) {
    const info = (await docker(`inspect network ${name}`, () => network.inspect())) as {
      Containers?: Record<string, unknown>;
    };
    const attached = Object.keys(info.Containers ?? {});
    for (const container of attached)
      await network.disconnect({ Container: container, Force: true }).catch(() => undefined);
    try {
      await network.remove();
      return null;
    } catch (err) {
      const retryInMs = STALE_RETRIES_MS[attempt];
      if (
        !/active endpoints/.test((err as Error).message) ||
        (retryInMs === undefined && attached.length > 0)
      )
        return docker(`remove network ${name}`, () => Promise.reject(err as Error));
      if (retryInMs === undefined) return name;
      await sleep(retryInMs);
    }
  }
}
