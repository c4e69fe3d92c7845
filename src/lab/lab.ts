import { randomBytes } from 'node:crypto';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IngressError } from '../errors.js';
import type { ConnectionSpec, ExecResult } from '../transport/types.js';
import { docker, dockerode, LAB_LABEL, removeLabResources } from './docker.js';
import {
  containerCreateOptions,
  dockerExec,
  dockerNetwork,
  endpoint,
  prepareSsh,
  readAddresses,
  type ContainerPlan,
  type StartHostOptions,
} from './host.js';
import { aptSources, attachAptCache } from './apt-cache.js';
import { ensureImage, labDebian, type DebianRelease } from './image.js';
import { makeLabKeyPair, type LabKeyPair } from './ssh-keys.js';

export interface LabHost {
  name: string;
  containerId: string;
  /** IPv4 address by lab network name; refreshed by start(). */
  addresses: Record<string, string>;
  /** IPv6 address by lab network name, on dual-stack networks; refreshed by start(). */
  addresses6: Record<string, string>;
  /** Address on the host's first network, where SSH goes. */
  address: string;
  exec(command: string): Promise<ExecResult>;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** How to reach the host over SSH as root with the run's key and known_hosts. */
  connectionSpec(overrides?: Partial<ConnectionSpec>): ConnectionSpec;
}

export interface Lab {
  runId: string;
  workDir: string;
  /** The bare node image (a VPS as a provider hands it over). */
  image: string;
  /** Debian release of the node image. */
  debian: DebianRelease;
  keyPair: LabKeyPair;
  /** Filled with each host's key, read out of band through docker exec. */
  knownHostsFile: string;
  /** `subnet6` makes the network dual stack. */
  createNetwork(name: string, options?: { subnet?: string; subnet6?: string }): Promise<string>;
  startHost(options: StartHostOptions): Promise<LabHost>;
  /** Removes networks made by createNetwork (no host may be on them). */
  removeNetworks(names: readonly string[]): Promise<void>;
  disconnectNetwork(host: LabHost, network: string): Promise<void>;
  connectNetwork(host: LabHost, network: string, ipv4?: string, ipv6?: string): Promise<void>;
  /** Removes every container and network of this run, and the work folder. */
  close(): Promise<void>;
}

type LabPlan = Omit<ContainerPlan, 'containerName'> & { aptNetwork: string; aptCache: string };

/** Containers on `internal` networks only: nothing in the lab can reach beyond this machine. */
async function createNetwork(
  runId: string,
  dockerName: string,
  subnets: { subnet?: string | undefined; subnet6?: string | undefined },
): Promise<void> {
  const api = await dockerode();
  const config = [subnets.subnet, subnets.subnet6].flatMap((s) => (s === undefined ? [] : [{ Subnet: s }]));
  await docker(`create network ${dockerName}`, () =>
    api.createNetwork({
      Name: dockerName,
      Driver: 'bridge',
      Internal: true,
      CheckDuplicate: true,
      EnableIPv6: subnets.subnet6 !== undefined,
      Labels: { [LAB_LABEL]: runId },
      ...(config.length === 0 ? {} : { IPAM: { Driver: 'default', Config: config } }),
    }),
  );
}

async function trustHostKey(knownHostsFile: string, host: LabHost): Promise<void> {
  const key = await host.exec('cat /etc/ssh/ssh_host_ed25519_key.pub');
  if (key.rc !== 0)
    throw new IngressError('E_LAB', `cannot read the host key of ${host.name}: ${key.stderr}`);
  const [type, blob] = key.stdout.trim().split(/\s+/);
  const ips = [...Object.values(host.addresses), ...Object.values(host.addresses6)];
  const lines = ips.map((ip) => `${ip} ${type} ${blob}\n`);
  await appendFile(knownHostsFile, lines.join(''), { mode: 0o600 });
}

const SUITES: Record<DebianRelease, string> = { 13: 'trixie', 12: 'bookworm' };

/** What cloud-init does on a new VPS: point apt at the provider's mirror (the lab's cache). */
async function pointAptAtCache(containerId: string, debian: DebianRelease, cache: string): Promise<void> {
  const b64 = Buffer.from(aptSources(SUITES[debian], cache)).toString('base64');
  const result = await dockerExec(containerId, `printf '%s' '${b64}' | base64 -d > /etc/apt/sources.list`);
  if (result.rc !== 0) throw new IngressError('E_LAB', `cannot set the apt mirror: ${result.stderr}`);
}

async function startHost(lab: Lab, plan: LabPlan, options: StartHostOptions) {
  const api = await dockerode();
  const full: ContainerPlan = {
    ...plan,
    image: options.kind === 'services' ? await ensureImage('services', 13) : plan.image,
    containerName: `ingress-${plan.runId}-${options.name}`,
  };
  const container = await docker(`create ${full.containerName}`, () =>
    api.createContainer(containerCreateOptions(options, full)),
  );
  for (const network of options.networks.slice(1)) {
    await docker(`connect ${options.name} to ${network.name}`, () =>
      api
        .getNetwork(dockerNetwork(full, network.name))
        .connect({ Container: container.id, EndpointConfig: endpoint(network, options.name) }),
    );
  }
  // Every host reaches the package cache on a network of its own, outside the topology.
  await docker(`connect ${options.name} to the package cache`, () =>
    api.getNetwork(plan.aptNetwork).connect({ Container: container.id, EndpointConfig: {} }),
  );
  const boot = async (): Promise<void> => {
    await docker(`start ${full.containerName}`, () => container.start());
    const found = await readAddresses(container, full);
    Object.assign(host.addresses, found.v4);
    Object.assign(host.addresses6, found.v6);
    host.address = host.addresses[options.networks[0]?.name ?? ''] ?? '';
    await prepareSsh(container.id, lab.keyPair.publicKey, host.address);
  };
  const host: LabHost = {
    name: options.name,
    containerId: container.id,
    addresses: {},
    addresses6: {},
    address: '',
    exec: (command) => dockerExec(container.id, command),
    stop: () => docker(`stop ${full.containerName}`, async () => void (await container.stop({ t: 10 }))),
    start: boot,
    connectionSpec: (overrides = {}) => ({
      hostName: options.name,
      connection: 'ssh',
      address: host.address,
      port: 22,
      user: 'root',
      privateKeyFile: lab.keyPair.privateKeyFile,
      connectTimeoutMs: 10_000,
      knownHostsFile: lab.knownHostsFile,
      acceptNewHostKeys: false,
      ...overrides,
    }),
  };
  await boot();
  if (options.kind !== 'services') await pointAptAtCache(container.id, lab.debian, plan.aptCache);
  await trustHostKey(lab.knownHostsFile, host);
  return host;
}

async function connectHost(
  plan: LabPlan,
  host: LabHost,
  network: string,
  ipv4: string | undefined,
  ipv6: string | undefined,
): Promise<void> {
  const api = await dockerode();
  const wanted = {
    name: network,
    ...(ipv4 === undefined ? {} : { ipv4 }),
    ...(ipv6 === undefined ? {} : { ipv6 }),
  };
  await docker(`connect ${host.name} to ${network}`, () =>
    api.getNetwork(dockerNetwork(plan, network)).connect({
      Container: host.containerId,
      EndpointConfig: endpoint(wanted, host.name),
    }),
  );
  const found = await readAddresses(api.getContainer(host.containerId), plan);
  if (found.v4[network]) host.addresses[network] = found.v4[network];
  if (found.v6[network]) host.addresses6[network] = found.v6[network];
}

/** A set of test hosts and networks for one run, labelled `ingress.lab=<runId>` for cleanup. */
export async function createLab(options: { runId?: string; debian?: DebianRelease } = {}): Promise<Lab> {
  const runId = options.runId ?? randomBytes(4).toString('hex');
  const debian = options.debian ?? labDebian();
  const image = await ensureImage('node', debian);
  const workDir = await mkdtemp(join(tmpdir(), `ingress-lab-${runId}-`));
  const knownHostsFile = join(workDir, 'known_hosts');
  await writeFile(knownHostsFile, '', { mode: 0o600 });
  const keyPair = await makeLabKeyPair(workDir, `ingress-lab-${runId}`);
  const aptNetwork = `ingress-${runId}-apt`;
  const plan: LabPlan = { runId, image, aptNetwork, aptCache: '', dockerNetworks: {} };
  const lab: Lab = {
    runId,
    workDir,
    image,
    debian,
    keyPair,
    knownHostsFile,
    async createNetwork(name, networkOptions = {}) {
      const dockerName = `ingress-${runId}-${name}`;
      await createNetwork(runId, dockerName, networkOptions);
      plan.dockerNetworks[name] = dockerName;
      return dockerName;
    },
    startHost: (hostOptions) => startHost(lab, plan, hostOptions),
    async removeNetworks(names) {
      const api = await dockerode();
      for (const name of names) {
        const dockerName = plan.dockerNetworks[name];
        if (dockerName === undefined) continue;
        await docker(`remove network ${dockerName}`, () => api.getNetwork(dockerName).remove());
        delete plan.dockerNetworks[name];
      }
    },
    async disconnectNetwork(host, network) {
      const api = await dockerode();
      await docker(`disconnect ${host.name} from ${network}`, () =>
        api.getNetwork(dockerNetwork(plan, network)).disconnect({ Container: host.containerId, Force: true }),
      );
      delete host.addresses[network];
      delete host.addresses6[network];
    },
    connectNetwork: (host, network, ipv4, ipv6) => connectHost(plan, host, network, ipv4, ipv6),
    async close() {
      await removeLabResources(runId);
      await rm(workDir, { recursive: true, force: true });
    },
  };
  try {
    await createNetwork(runId, aptNetwork, {});
    plan.aptCache = await attachAptCache(aptNetwork);
  } catch (err) {
    await lab.close();
    throw err;
  }
  return lab;
}
