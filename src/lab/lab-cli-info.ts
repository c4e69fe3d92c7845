import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { formatTable } from '../text/table.js';
import type { LabContainer } from './lab-cli-docker.js';
import { dockerNetworkName } from './lab-cli-docker.js';
import { DEFAULT_LAB_DIR } from './lab-state.js';
import type { LabState } from './lab-state.js';
import type { StackHostName, StackNetwork, StackTopology } from './topology.js';
import { address6Of, addressOf, INGRESS_NODES, STACK_HOSTS } from './topology.js';

const ROLES: Record<StackHostName, string> = {
  'ingress-1': 'ingress node',
  'ingress-2': 'ingress node',
  proxy: 'local proxy',
  dns: 'DNS server (BIND, RFC 2136 + TSIG)',
  pebble: 'ACME test CA (pebble)',
  demo: 'demo service (home)',
  client: 'client (public side)',
};

export interface LabNodeStatus {
  name: StackHostName;
  role: string;
  state: 'running' | 'stopped' | 'missing';
  /** IPv4 address on each lab network the node is attached to now (a cut WAN is absent). */
  addresses: Partial<Record<StackNetwork, string>>;
  /** IPv6 address on each of those networks: every lab network is dual stack. */
  addresses6: Partial<Record<StackNetwork, string>>;
}

/** `ingress lab status --json`. */
export interface LabStatusDoc {
  runId: string;
  base: number;
  dir: string;
  nodes: LabNodeStatus[];
  serviceDomains: string[];
  ingressPublicAddresses: Record<string, string>;
  ingressPublicAddresses6: Record<string, string>;
}

export function labStatusDoc(
  state: LabState,
  topology: StackTopology,
  dir: string,
  containers: ReadonlyMap<string, LabContainer>,
): LabStatusDoc {
  const nodes = STACK_HOSTS.map((name): LabNodeStatus => {
    const c = containers.get(name);
    const addresses: Partial<Record<StackNetwork, string>> = {};
    const addresses6: Partial<Record<StackNetwork, string>> = {};
    for (const network of topology.networksOf[name]) {
      const ip = c?.networks[dockerNetworkName(state.runId, network)];
      const ip6 = c?.networks6[dockerNetworkName(state.runId, network)];
      if (ip) addresses[network] = ip;
      if (ip6) addresses6[network] = ip6;
    }
    const status = c === undefined ? 'missing' : c.running ? 'running' : 'stopped';
    return { name, role: ROLES[name], state: status, addresses, addresses6 };
  });
  return {
    runId: state.runId,
    base: state.base,
    dir: resolve(dir),
    nodes,
    serviceDomains: [topology.serviceDomain],
    ingressPublicAddresses: Object.fromEntries(
      INGRESS_NODES.map((n) => [n, addressOf(topology, n, 'public')]),
    ),
    ingressPublicAddresses6: Object.fromEntries(
      INGRESS_NODES.map((n) => [n, address6Of(topology, n, 'public')]),
    ),
  };
}

const listed = (addresses: Partial<Record<StackNetwork, string>>): string =>
  Object.entries(addresses)
    .map(([net, ip]) => `${net}=${ip}`)
    .join(' ');

/** A node's row, and under its IPv4 addresses a second line with its IPv6 ones. */
function nodeRows(n: LabNodeStatus): string[][] {
  const v6 = listed(n.addresses6);
  return [[n.name, n.state, n.role, listed(n.addresses) || '-'], ...(v6 ? [['', '', '', v6]] : [])];
}

export function formatLabStatus(doc: LabStatusDoc): string {
  const rows = [['NODE', 'STATE', 'ROLE', 'ADDRESSES (IPv4, then IPv6)'], ...doc.nodes.flatMap(nodeRows)];
  const table = formatTable(rows);
  const ingress = Object.entries(doc.ingressPublicAddresses).map(([n, ip]) =>
    `${n} ${ip} ${doc.ingressPublicAddresses6[n] ?? ''}`.trimEnd(),
  );
  return `lab ${doc.runId} (10.${doc.base}.0.0/16 and fd1e:${doc.base}::/32, state in ${doc.dir})\n${table}\n\nservice: ${doc.serviceDomains.join(', ')}; ingress public addresses: ${ingress.join(', ')}\n`;
}

/** The `--dir` a pasted command needs: none for ./.lab, seen from the folder the user is in. */
export function dirFlag(dir: string, cwd: string): string {
  return resolve(cwd, dir) === resolve(cwd, DEFAULT_LAB_DIR) ? '' : ` --dir ${resolve(cwd, dir)}`;
}

/** The commands to try next, each one a line a user can paste into a shell. */
export function nextCommands(topology: StackTopology, flag: string, pebbleRoot: string): string[] {
  const domain = topology.serviceDomain;
  // An IPv6 address goes in brackets, quoted so that no shell reads them as a glob.
  const curl = (address: string) => {
    const resolve = isIP(address) === 6 ? `'${domain}:443:[${address}]'` : `${domain}:443:${address}`;
    return `ingress lab exec${flag} client -- curl -sS --max-time 10 --cacert ${pebbleRoot} --resolve ${resolve} https://${domain}/`;
  };
  return [
    `# the demo service through ingress-1, then ingress-2, then ingress-1 over IPv6`,
    curl(addressOf(topology, 'ingress-1', 'public')),
    curl(addressOf(topology, 'ingress-2', 'public')),
    curl(address6Of(topology, 'ingress-1', 'public')),
    `# through DNS (the client resolves with the lab's BIND)`,
    `ingress lab exec${flag} client -- curl -sS --max-time 10 --cacert ${pebbleRoot} https://${domain}/`,
    `# as a mesh user: Yggdrasil only, through the public peer, no ingress node`,
    `ingress lab exec${flag} meshclient -- curl -sS --max-time 10 --cacert ${pebbleRoot} https://mesh.${domain}/`,
    `# cut a part, see what changed, restore it`,
    `ingress lab fail${flag} wan1`,
    `ingress lab heal${flag} wan1`,
    `ingress lab status${flag}`,
    `ingress lab down${flag}`,
  ];
}
