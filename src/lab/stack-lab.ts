import { mkdir, writeFile } from 'node:fs/promises';
import { prepareFleetDns } from '../stack/dns-policy.js';
import { stackInventory } from '../stack/up.js';
import { dirname, join } from 'node:path';
import { initCa } from '../pki/ca.js';
import { readState, resolveStateDir } from '../pki/store.js';
import type { Lab, LabHost } from './lab.js';
import { createLab } from './lab.js';
import type { DebianRelease } from './image.js';
import type { MeshUsers } from './mesh-users.js';
import { meshPeerUri, startMeshUsers } from './mesh-users.js';
import { LAB_TSIG_KEY_NAME, renderStackInventory } from './stack-inventory.js';
import type { LabTsigKey } from './stack-services.js';
import { setupDemo, setupDns, setupPebble } from './stack-services.js';
import type { StackHostName, StackTopology } from './topology.js';
import { INGRESS_NODES, STACK_HOSTS, STACK_NETWORKS, stackTopology } from './topology.js';
import { dockerSubnets, firstFreeBase, isPoolOverlap, usedBases } from './address-pool.js';

export interface StackLab {
  lab: Lab;
  topology: StackTopology;
  hosts: Record<StackHostName, LabHost>;
  /** The generated inventory folder (hosts.yml + group_vars/), for `ingress up -i`. */
  inventoryDir: string;
  /** Where `ingress up` keeps the CA for this inventory (the lab made it, pebble's certificate too). */
  stateDir: string;
  tsig: LabTsigKey;
  /** `meshpeer` and `meshclient`, with the `meshUsers` option only. */
  mesh?: MeshUsers;
  close(): Promise<void>;
}

export interface StartStackLabOptions {
  /** Preferred second octet of the lab's 10.x.0.0/16 (default 240); the next free one if taken. */
  base?: number;
  runId?: string;
  /** Debian release of the nodes `ingress up` manages (default: INGRESS_LAB_DEBIAN, else 13). */
  debian?: DebianRelease;
  /** Also a public Yggdrasil peer and a mesh user's machine (src/lab/mesh-users.ts); off by default. */
  meshUsers?: boolean;
}

async function writeInventory(dir: string, files: Record<string, string>): Promise<void> {
  for (const [relative, text] of Object.entries(files)) {
    const path = join(dir, relative);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
  }
}

/** Every lab network is dual stack, and Yggdrasil needs IPv6 inside the namespace too. */
const IPV6_SYSCTLS = { 'net.ipv6.conf.all.disable_ipv6': '0' };

async function startHosts(lab: Lab, t: StackTopology): Promise<Record<StackHostName, LabHost>> {
  const managed = new Set<StackHostName>([...INGRESS_NODES, 'proxy']);
  // The nodes `ingress up` manages start bare; the supporting cast may use the fuller image.
  const started = await Promise.all(
    STACK_HOSTS.map((name) =>
      lab.startHost({
        name,
        networks: t.networksOf[name].map((network) => ({
          name: network,
          ipv4: t.addresses[name][network] as string,
          ipv6: t.addresses6[name][network] as string,
        })),
        sysctls: IPV6_SYSCTLS,
        ...(managed.has(name) ? {} : { kind: 'services' as const }),
      }),
    ),
  );
  return Object.fromEntries(started.map((host) => [host.name, host])) as Record<StackHostName, LabHost>;
}

/**
 * Creates the topology's networks on the preferred base, or on the next free one when
 * another lab or test run holds it (Docker refuses overlapping subnets).
 */
async function createNetworks(lab: Lab, preferred: number): Promise<StackTopology> {
  const tried = new Set<number>();
  for (let attempt = 1; ; attempt++) {
    const t = stackTopology(firstFreeBase(preferred, usedBases(await dockerSubnets()), tried));
    tried.add(t.base);
    try {
      for (const network of STACK_NETWORKS)
        await lab.createNetwork(network, { subnet: t.subnets[network], subnet6: t.subnets6[network] });
      return t;
    } catch (err) {
      if (!isPoolOverlap(err) || attempt >= 5) throw err;
      await lab.removeNetworks(STACK_NETWORKS);
    }
  }
}

/**
 * Starts the whole topology: networks with fixed subnets, every host, BIND with the
 * zone, the lab's admin TSIG key and the nodes' keys with their policy, pebble, the demo service; writes the inventory for the addresses
 * it got. `ingress up` itself is left to the caller.
 */
export async function startStackLab(options: StartStackLabOptions = {}): Promise<StackLab> {
  const lab = await createLab({
    ...(options.runId ? { runId: options.runId } : {}),
    ...(options.debian ? { debian: options.debian } : {}),
  });
  try {
    const topology = await createNetworks(lab, options.base ?? 240);
    const [hosts, mesh] = await Promise.all([
      startHosts(lab, topology),
      options.meshUsers ? startMeshUsers(lab, topology) : undefined,
    ]);
    const inventoryDir = join(lab.workDir, 'inventory');
    await writeInventory(
      inventoryDir,
      renderStackInventory(topology, {
        privateKeyFile: lab.keyPair.privateKeyFile,
        tsigKeyName: LAB_TSIG_KEY_NAME,
        ...(mesh ? { meshPeer: meshPeerUri(topology) } : {}),
      }),
    );
    const stateDir = resolveStateDir({ inventoryPath: inventoryDir });
    if (!(await readState(stateDir))) await initCa({ stateDir, keyType: 'ecdsa-p256' });
    // The nodes' keys, as `ingress up` will find them, so BIND knows them from the start.
    const stack = await stackInventory([inventoryDir]);
    const fleet = await prepareFleetDns(stack.nodes, stack.varsOf, stateDir);
    const tsig = await setupDns(hosts.dns, topology, LAB_TSIG_KEY_NAME, fleet);
    await Promise.all([setupPebble(hosts.pebble, topology, stateDir), setupDemo(hosts.demo, topology)]);
    return {
      lab,
      topology,
      hosts,
      inventoryDir,
      stateDir,
      tsig,
      ...(mesh ? { mesh } : {}),
      close: () => lab.close(),
    };
  } catch (err) {
    await lab.close();
    throw err;
  }
}
