/**
 * Mesh users in the lab: `meshpeer`, a public Yggdrasil peer on the public side and the
 * underlay (the local proxy peers out to it, as a home peers with a public node), and
 * `meshclient`, a user's machine on the public side that peers with `meshpeer` only and
 * resolves through the lab's BIND. Both run Yggdrasil from the services image with a
 * configuration made by `yggdrasil -genconf`: neither is a node `ingress up` manages.
 */
import { IngressError } from '../errors.js';
import type { Lab, LabHost } from './lab.js';
import { mustExec, putFile } from './stack-services.js';
import type { StackNetwork, StackTopology } from './topology.js';
import { addressOf, labAddress } from './topology.js';

export type MeshUserHostName = 'meshpeer' | 'meshclient';

export const MESH_USER_HOSTS: readonly MeshUserHostName[] = ['meshpeer', 'meshclient'];

export interface MeshUsers {
  peer: LabHost;
  client: LabHost;
}

/** The public peer's Yggdrasil listener (TLS, on every address it has). */
export const MESH_PEER_PORT = 7443;

/** The admin socket of the lab's own Yggdrasil processes, for `yggdrasilctl -endpoint`. */
export const MESH_ADMIN_ENDPOINT = 'unix:///run/yggdrasil-mesh.sock';

/** Last octet of each host, beside the stack's own (src/lab/topology.ts). */
const HOST_OCTET: Record<MeshUserHostName, number> = { meshpeer: 60, meshclient: 61 };

const NETWORKS: Record<MeshUserHostName, readonly StackNetwork[]> = {
  meshpeer: ['public', 'underlay'],
  meshclient: ['public'],
};

function checkNetwork(host: MeshUserHostName, network: StackNetwork): void {
  if (!NETWORKS[host].includes(network)) throw new RangeError(`${host} is not on the ${network} network`);
}

/** The IPv4 address of a mesh user's host on one of its networks. */
export function meshUserAddress(t: StackTopology, host: MeshUserHostName, network: StackNetwork): string {
  checkNetwork(host, network);
  return labAddress(t, network, HOST_OCTET[host], 4);
}

/** Its IPv6 twin on the same dual-stack network (fixed, as the stack's hosts' are). */
export function meshUserAddress6(t: StackTopology, host: MeshUserHostName, network: StackNetwork): string {
  checkNetwork(host, network);
  return labAddress(t, network, HOST_OCTET[host], 6);
}

/** What the local proxy lists in `ingress_yggdrasil.extra_peers`: the public peer over the underlay. */
export function meshPeerUri(t: StackTopology): string {
  return `tls://${meshUserAddress(t, 'meshpeer', 'underlay')}:${MESH_PEER_PORT}`;
}

/**
 * Edits a generated configuration: the given peers and listeners, no multicast discovery
 * (the lab decides the topology), the admin socket where the tests look.
 */
function configScript(peers: readonly string[], listen: readonly string[]): string {
  return [
    'import json, sys',
    'conf = json.load(sys.stdin)',
    `conf["Peers"] = ${JSON.stringify(peers)}`,
    `conf["Listen"] = ${JSON.stringify(listen)}`,
    'conf["MulticastInterfaces"] = []',
    `conf["AdminListen"] = ${JSON.stringify(MESH_ADMIN_ENDPOINT)}`,
    'conf["IfName"] = "auto"',
    'json.dump(conf, sys.stdout, indent=2)',
    '',
  ].join('\n');
}

async function startYggdrasil(host: LabHost, peers: string[], listen: string[]): Promise<void> {
  await putFile(host, '/etc/yggdrasil/lab-config.py', configScript(peers, listen));
  await mustExec(
    host,
    'configuring yggdrasil',
    'umask 077 && yggdrasil -genconf -json | python3 /etc/yggdrasil/lab-config.py > /etc/yggdrasil/mesh.conf',
  );
  await mustExec(
    host,
    'starting yggdrasil',
    'systemd-run --unit=mesh-yggdrasil "$(command -v yggdrasil)" -useconffile /etc/yggdrasil/mesh.conf',
  );
  // Up once its admin socket answers.
  await mustExec(
    host,
    'waiting for yggdrasil',
    `for i in $(seq 60); do yggdrasilctl -endpoint ${MESH_ADMIN_ENDPOINT} getSelf >/dev/null 2>&1 && exit 0; sleep 0.5; done; yggdrasilctl -endpoint ${MESH_ADMIN_ENDPOINT} getSelf`,
  );
}

async function startOne(lab: Lab, t: StackTopology, name: MeshUserHostName): Promise<LabHost> {
  return lab.startHost({
    name,
    kind: 'services',
    networks: NETWORKS[name].map((network) => ({
      name: network,
      ipv4: meshUserAddress(t, name, network),
      ipv6: meshUserAddress6(t, name, network),
    })),
    // Yggdrasil needs IPv6 inside the container's network namespace.
    sysctls: { 'net.ipv6.conf.all.disable_ipv6': '0' },
  });
}

/** Starts both containers and their Yggdrasil; the client resolves with the lab's BIND. */
export async function startMeshUsers(lab: Lab, t: StackTopology): Promise<MeshUsers> {
  const [peer, client] = await Promise.all([startOne(lab, t, 'meshpeer'), startOne(lab, t, 'meshclient')]);
  await startYggdrasil(peer, [], [`tls://0.0.0.0:${MESH_PEER_PORT}`]);
  await startYggdrasil(client, [`tls://${meshUserAddress(t, 'meshpeer', 'public')}:${MESH_PEER_PORT}`], []);
  await putFile(client, '/etc/resolv.conf', `nameserver ${addressOf(t, 'dns', 'public')}\n`);
  return { peer, client };
}

/** The Yggdrasil address a mesh user's host got, read from its running node. */
export async function meshAddressOf(host: LabHost): Promise<string> {
  const out = await mustExec(
    host,
    'reading the Yggdrasil address',
    `yggdrasilctl -json -endpoint ${MESH_ADMIN_ENDPOINT} getSelf`,
  );
  const address = (JSON.parse(out) as { address?: unknown }).address;
  if (typeof address !== 'string')
    throw new IngressError('E_LAB', `${host.name}: yggdrasilctl getSelf gave no address`);
  return address;
}
