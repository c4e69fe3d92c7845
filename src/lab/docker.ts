import type Dockerode from 'dockerode';
import { getContainerRuntimeClient, type ContainerRuntimeClient } from 'testcontainers';
import { IngressError } from '../errors.js';

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
  await Promise.all(
    networks.map((n) =>
      docker(`remove network ${n.Name}`, async () => {
        const network = api.getNetwork(n.Id);
        // The shared package cache is not the lab's: unplug it, keep it running.
        const info = (await network.inspect()) as { Containers?: Record<string, unknown> };
        for (const id of Object.keys(info.Containers ?? {}))
          await network.disconnect({ Container: id, Force: true }).catch(() => undefined);
        await network.remove();
      }),
    ),
  );
}
