import type Dockerode from 'dockerode';
import type { ContainerCreateOptions } from 'dockerode';
import { IngressError } from '../errors.js';
import type { ExecResult } from '../transport/types.js';
import { docker, LAB_LABEL, runtimeClient } from './docker.js';
import { waitForSsh } from './wait-ssh.js';
import { sleep } from '../time/sleep.js';

export interface HostNetwork {
  /** The lab's name for the network (as given to createNetwork). */
  name: string;
  ipv4?: string;
  ipv6?: string;
}

export interface StartHostOptions {
  name: string;
  /** `node` (default): a bare VPS; `services`: the lab's DNS, ACME, demo and client image. */
  kind?: 'node' | 'services';
  networks: HostNetwork[];
  env?: Record<string, string>;
  sysctls?: Record<string, string>;
  /** Extra bind mounts, docker syntax `host:container[:ro]`. */
  binds?: string[];
}

export interface ContainerPlan {
  runId: string;
  image: string;
  containerName: string;
  /** Docker network name for each lab network name. */
  dockerNetworks: Record<string, string>;
}

/**
 * systemd as PID 1 without --privileged (which fails on this kind of machine):
 * the exact settings verified in DESIGN.md.
 */
export function containerCreateOptions(
  options: StartHostOptions,
  plan: ContainerPlan,
): ContainerCreateOptions {
  const [first] = options.networks;
  if (!first) throw new IngressError('E_LAB', `lab host ${options.name} needs at least one network`);
  const firstNetwork = dockerNetwork(plan, first.name);
  const hostConfig = {
    CapAdd: ['SYS_ADMIN', 'NET_ADMIN'],
    Devices: [{ PathOnHost: '/dev/net/tun', PathInContainer: '/dev/net/tun', CgroupPermissions: 'rwm' }],
    SecurityOpt: ['seccomp=unconfined'],
    CgroupnsMode: 'host',
    Tmpfs: { '/run': '', '/run/lock': '' },
    Binds: ['/sys/fs/cgroup:/sys/fs/cgroup:rw', ...(options.binds ?? [])],
    Sysctls: options.sysctls,
    NetworkMode: firstNetwork,
  };
  return {
    name: plan.containerName,
    Image: plan.image,
    Hostname: options.name,
    Labels: { [LAB_LABEL]: plan.runId, 'ingress.lab.host': options.name },
    Env: ['container=docker', ...Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v}`)],
    // systemd halts cleanly on SIGRTMIN+3; SIGTERM would only make it re-execute.
    StopSignal: 'SIGRTMIN+3',
    HostConfig: hostConfig as ContainerCreateOptions['HostConfig'],
    NetworkingConfig: { EndpointsConfig: { [firstNetwork]: endpoint(first, options.name) } },
  };
}

export function dockerNetwork(plan: Pick<ContainerPlan, 'dockerNetworks'>, name: string): string {
  const found = plan.dockerNetworks[name];
  if (found === undefined) throw new IngressError('E_LAB', `lab network ${name} was not created`);
  return found;
}

export function endpoint(network: HostNetwork, alias: string): Dockerode.EndpointSettings {
  const ipam = {
    ...(network.ipv4 === undefined ? {} : { IPv4Address: network.ipv4 }),
    ...(network.ipv6 === undefined ? {} : { IPv6Address: network.ipv6 }),
  };
  return { Aliases: [alias], ...(Object.keys(ipam).length === 0 ? {} : { IPAMConfig: ipam }) };
}

export interface HostAddresses {
  /** IPv4 address by lab network name. */
  v4: Record<string, string>;
  /** IPv6 address by lab network name (dual-stack networks only). */
  v6: Record<string, string>;
}

/** Addresses by lab network name, read back from Docker. */
export async function readAddresses(
  container: Dockerode.Container,
  plan: Pick<ContainerPlan, 'dockerNetworks'>,
): Promise<HostAddresses> {
  const info = await docker('inspect container', () => container.inspect());
  const found: HostAddresses = { v4: {}, v6: {} };
  for (const [name, dockerName] of Object.entries(plan.dockerNetworks)) {
    const settings = info.NetworkSettings.Networks[dockerName];
    if (settings?.IPAddress) found.v4[name] = settings.IPAddress;
    if (settings?.GlobalIPv6Address) found.v6[name] = settings.GlobalIPv6Address;
  }
  return found;
}

/** Runs a command in the container as root through docker exec (no SSH needed). */
export async function dockerExec(containerId: string, command: string): Promise<ExecResult> {
  const client = await runtimeClient();
  const container = client.container.getById(containerId);
  const result = await docker(`exec in ${containerId.slice(0, 12)}`, () =>
    client.container.exec(container, ['/bin/sh', '-c', command], { log: false }),
  );
  return { stdout: result.stdout, stderr: result.stderr, rc: result.exitCode };
}

/** Installs the run's public key for root and waits until sshd answers on the first address. */
export async function prepareSsh(containerId: string, publicKey: string, address: string): Promise<void> {
  const command = `umask 077 && mkdir -p /root/.ssh && printf '%s\\n' '${publicKey}' > /root/.ssh/authorized_keys && chmod 600 /root/.ssh/authorized_keys`;
  // On a loaded machine the first exec into a container still booting can fail with no output.
  let install = await dockerExec(containerId, command);
  for (let attempt = 1; install.rc !== 0 && attempt < 5; attempt++) {
    await sleep(1_000 * attempt);
    install = await dockerExec(containerId, command);
  }
  if (install.rc !== 0)
    throw new IngressError('E_LAB', `cannot install the lab SSH key (exit ${install.rc}): ${install.stderr}`);
  await waitForSsh(address);
}
