import type Dockerode from 'dockerode';
import { execFile } from 'node:child_process';
import { PassThrough, type Writable } from 'node:stream';
import { IngressError } from '../errors.js';
import { docker, dockerode, LAB_LABEL } from './docker.js';
import { endpoint } from './host.js';

const START_HINT = 'start it with `sudo systemctl start docker` (or `sudo dockerd &`)';
const INSTALL_HINT = 'install it with `sudo apt-get install docker.io`, then ' + START_HINT;

/** The docker CLI's view (it honours DOCKER_HOST, as the image build does): the server version. */
function dockerCliVersion(): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'docker',
      ['version', '--format', '{{.Server.Version}}'],
      { timeout: 15_000 },
      (err, stdout, stderr) => {
        if (err) reject(Object.assign(err, { stderr: String(stderr).trim() }));
        else resolve(String(stdout).trim());
      },
    );
  });
}

/** The engine, answering; otherwise an E_DOCKER error that says how to install or start it. */
export async function requireDocker(): Promise<Dockerode> {
  try {
    await dockerCliVersion();
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
    const said = ((cause as { stderr?: string }).stderr ?? '').split('\n')[0] ?? '';
    throw new IngressError(
      'E_DOCKER',
      missing
        ? `Docker is not installed: ${INSTALL_HINT}`
        : `Docker is not running${said ? ` (${said})` : ''}: ${START_HINT}`,
      { cause },
    );
  }
  try {
    const api = await dockerode();
    await api.ping();
    return api;
  } catch (cause) {
    throw new IngressError('E_DOCKER', `Docker is not running: ${START_HINT}`, { cause });
  }
}

export interface LabContainer {
  host: string;
  id: string;
  running: boolean;
  /** IPv4 address by docker network name. */
  networks: Record<string, string>;
  /** IPv6 address by docker network name (dual-stack networks). */
  networks6: Record<string, string>;
}

/** Every container of the run, by lab host name (label `ingress.lab.host`). */
export async function labContainers(api: Dockerode, runId: string): Promise<Map<string, LabContainer>> {
  const filters = JSON.stringify({ label: [`${LAB_LABEL}=${runId}`] });
  const list = await docker('list containers', () => api.listContainers({ all: true, filters }));
  const found = new Map<string, LabContainer>();
  for (const c of list) {
    const host = c.Labels['ingress.lab.host'];
    if (!host) continue;
    const attached = Object.entries(c.NetworkSettings.Networks);
    const networks = Object.fromEntries(attached.map(([name, n]) => [name, n.IPAddress]));
    const networks6 = Object.fromEntries(
      attached.filter(([, n]) => n.GlobalIPv6Address).map(([name, n]) => [name, n.GlobalIPv6Address]),
    );
    found.set(host, { host, id: c.Id, running: c.State === 'running', networks, networks6 });
  }
  return found;
}

/** Docker network names of the run (the lab names them `ingress-<runId>-<network>`). */
export async function labNetworkNames(api: Dockerode, runId: string): Promise<string[]> {
  const filters = JSON.stringify({ label: [`${LAB_LABEL}=${runId}`] });
  const list = await docker('list networks', () => api.listNetworks({ filters }));
  return list.map((n) => n.Name).sort();
}

export const dockerNetworkName = (runId: string, network: string): string => `ingress-${runId}-${network}`;

/** Runs argv in the container, streaming its output; resolves to its exit code. */
export async function execStreaming(
  api: Dockerode,
  containerId: string,
  argv: string[],
  out: { stdout: Writable; stderr: Writable },
): Promise<number> {
  const container = api.getContainer(containerId);
  const exec = await docker('exec', () =>
    container.exec({ Cmd: argv, AttachStdout: true, AttachStderr: true, Tty: false }),
  );
  const stream = await docker('exec start', () => exec.start({ hijack: true, stdin: false }));
  // Separate pass-throughs so ending the demuxed streams never ends the process's own.
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (d: Buffer) => out.stdout.write(d));
  stderr.on('data', (d: Buffer) => out.stderr.write(d));
  api.modem.demuxStream(stream, stdout, stderr);
  await new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  const info = await docker('exec inspect', () => exec.inspect());
  return info.ExitCode ?? 1;
}

/**
 * Connects or disconnects a container, doing nothing when it already is as asked. It comes back
 * on both of its addresses: the relay servers and the allow-sets name them.
 */
export async function setNetwork(
  api: Dockerode,
  container: LabContainer,
  dockerName: string,
  connected: boolean,
  address: { ipv4: string; ipv6: string },
): Promise<boolean> {
  const isConnected = dockerName in container.networks;
  if (isConnected === connected) return false;
  const network = api.getNetwork(dockerName);
  if (connected)
    await docker(`connect ${container.host} to ${dockerName}`, () =>
      network.connect({
        Container: container.id,
        EndpointConfig: endpoint({ name: dockerName, ...address }, container.host),
      }),
    );
  else
    await docker(`disconnect ${container.host} from ${dockerName}`, () =>
      network.disconnect({ Container: container.id, Force: true }),
    );
  return true;
}

/** Stops (systemd halts on its StopSignal) or starts a container; false when it already was. */
export async function setRunning(
  api: Dockerode,
  container: LabContainer,
  running: boolean,
): Promise<boolean> {
  if (container.running === running) return false;
  const c = api.getContainer(container.id);
  if (running) await docker(`start ${container.host}`, () => c.start());
  else await docker(`stop ${container.host}`, async () => void (await c.stop({ t: 10 })));
  return true;
}
