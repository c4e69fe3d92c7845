/**
 * The one lab topology shared by the stack tests, the failover suite and `ingress lab`:
 * two ingress nodes, a local proxy with two WAN links and a mesh underlay, a DNS server,
 * pebble (ACME test CA), a demo service at home and a client on the public side.
 */

export type StackNetwork = 'public' | 'wan1' | 'wan2' | 'underlay' | 'home';
export type StackHostName = 'ingress-1' | 'ingress-2' | 'proxy' | 'dns' | 'pebble' | 'demo' | 'client';

export const STACK_NETWORKS: readonly StackNetwork[] = ['public', 'wan1', 'wan2', 'underlay', 'home'];

/**
 * Third octet of each network inside 10.<base>.0.0/16 (a free base, see address-pool.ts), and the
 * third group of its IPv6 twin fd1e:<base>:<octet>::/64 (unique-local, still internal).
 */
const NETWORK_OCTET: Record<StackNetwork, number> = { public: 1, wan1: 2, wan2: 3, underlay: 4, home: 5 };

/** Last octet of each host, the same on every network it joins. */
const HOST_OCTET: Record<StackHostName, number> = {
  'ingress-1': 11,
  'ingress-2': 12,
  proxy: 20,
  pebble: 30,
  demo: 40,
  client: 50,
  dns: 53,
};

/** Networks per host; the first one carries SSH. */
const HOST_NETWORKS: Record<StackHostName, readonly StackNetwork[]> = {
  'ingress-1': ['public', 'wan1', 'wan2', 'underlay'],
  'ingress-2': ['public', 'wan1', 'wan2', 'underlay'],
  proxy: ['public', 'wan1', 'wan2', 'underlay', 'home'],
  dns: ['public'],
  pebble: ['public'],
  demo: ['home'],
  client: ['public'],
};

export const STACK_HOSTS: readonly StackHostName[] = [
  'dns',
  'pebble',
  'demo',
  'client',
  'proxy',
  'ingress-1',
  'ingress-2',
];

export const INGRESS_NODES: readonly StackHostName[] = ['ingress-1', 'ingress-2'];

export interface StackTopology {
  /** Second octet of 10.x.0.0/16; 240 by default so parallel suites can pick another. */
  base: number;
  zone: string;
  /** The public service name the demo is published under. */
  serviceDomain: string;
  demoPort: number;
  subnets: Record<StackNetwork, string>;
  subnets6: Record<StackNetwork, string>;
  /** IPv4 address of each host on each of its networks. */
  addresses: Record<StackHostName, Partial<Record<StackNetwork, string>>>;
  /** IPv6 address of each host on each of its networks: every network is dual stack. */
  addresses6: Record<StackHostName, Partial<Record<StackNetwork, string>>>;
  networksOf: Record<StackHostName, readonly StackNetwork[]>;
}

/** The address with last part `octet` on a network, or the network itself without one. */
type AddressOf = (base: number, network: StackNetwork, octet?: number) => string;

const v4: AddressOf = (base, n, octet) => `10.${base}.${NETWORK_OCTET[n]}.${octet ?? '0/24'}`;
const v6: AddressOf = (base, n, octet) => `fd1e:${base}:${NETWORK_OCTET[n]}::${octet ?? '/64'}`;

/** A lab container outside the stack's hosts (say a mesh user) at its own last part, in either family. */
export function labAddress(t: StackTopology, network: StackNetwork, octet: number, family: 4 | 6): string {
  return (family === 4 ? v4 : v6)(t.base, network, octet);
}

function perNetwork(base: number, address: AddressOf): Record<StackNetwork, string> {
  return Object.fromEntries(STACK_NETWORKS.map((n) => [n, address(base, n)])) as Record<StackNetwork, string>;
}

function perHost(base: number, address: AddressOf): StackTopology['addresses'] {
  return Object.fromEntries(
    STACK_HOSTS.map((host) => [
      host,
      Object.fromEntries(HOST_NETWORKS[host].map((n) => [n, address(base, n, HOST_OCTET[host])])),
    ]),
  ) as StackTopology['addresses'];
}

export function stackTopology(base = 240): StackTopology {
  if (!Number.isInteger(base) || base < 0 || base > 255) throw new RangeError(`bad lab base octet ${base}`);
  return {
    base,
    zone: 'ingress.test',
    serviceDomain: 'app.ingress.test',
    demoPort: 8000,
    subnets: perNetwork(base, v4),
    subnets6: perNetwork(base, v6),
    addresses: perHost(base, v4),
    addresses6: perHost(base, v6),
    networksOf: HOST_NETWORKS,
  };
}

/** The address of a host on a network, or an error naming both (a typo in a test is loud). */
export function addressOf(topology: StackTopology, host: StackHostName, network: StackNetwork): string {
  const ip = topology.addresses[host][network];
  if (ip === undefined) throw new RangeError(`${host} is not on the ${network} network`);
  return ip;
}

/** The IPv6 address of a host on a network. */
export function address6Of(topology: StackTopology, host: StackHostName, network: StackNetwork): string {
  const ip = topology.addresses6[host][network];
  if (ip === undefined) throw new RangeError(`${host} is not on the ${network} network`);
  return ip;
}
