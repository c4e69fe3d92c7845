import { join } from 'node:path';
import type { KeyGrant, NodeKeys } from '../dns/node-keys.js';
import { ensureNodeKeys, keyStatement, nodeKeyDir, updatePolicyRules } from '../dns/node-keys.js';
import { IngressError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';
import type { StackNode } from './model.js';

type Vars = Record<string, unknown>;

const obj = (value: unknown): Vars | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Vars) : undefined;

/** The fleet's DNS settings and each node's key, as `ingress up` hands them to the nodes. */
export interface FleetDns {
  zone: string;
  /** Node keys are named `<host>.<suffix>` (`ingress_dns.tsig_key_name`). */
  suffix: string;
  keyDir: string;
  keys: NodeKeys;
  rules: string[];
  /** Key statements of every node, for the DNS server only (0600). */
  keysConfFile: string;
  /** The named.conf lines to add, without secrets. */
  snippetFile: string;
}

export function meshName(proxy: string, vars: Vars, zone: string): string {
  const name = obj(vars['ingress_daemon'])?.['mesh_name'];
  return typeof name === 'string' ? name : `${proxy}.mesh.${zone}`;
}

function services(vars: Vars): Vars[] {
  const list = Array.isArray(vars['ingress_services']) ? vars['ingress_services'] : [];
  return list.map(obj).filter((s): s is Vars => s !== undefined && typeof s['domain'] === 'string');
}

function serviceDomains(vars: Vars): string[] {
  return services(vars).map((s) => s['domain'] as string);
}

/**
 * The name mesh users reach a service under: `mesh_name`, default `mesh.<domain>`. A name
 * of its own, because an AAAA on the public name would send clearnet users to an address
 * only the mesh can reach.
 */
export function serviceMeshName(service: Vars): string {
  const name = service['mesh_name'];
  return typeof name === 'string' ? name : `mesh.${String(service['domain'])}`;
}

/** Every service's mesh name; one that is also a public service name is refused. */
export function serviceMeshNames(vars: Vars): string[] {
  const publicNames = new Set(serviceDomains(vars).map((d) => d.toLowerCase()));
  return services(vars).map((service, index) => {
    const name = serviceMeshName(service);
    if (publicNames.has(name.toLowerCase()))
      throw new IngressError(
        'E_CONFIG',
        `ingress_services[${index}].mesh_name ${name} is a public service name: clearnet users would be sent to the mesh address`,
        { location: { file: '<inventory>', field: `ingress_services[${index}].mesh_name` } },
      );
    return name;
  });
}

/**
 * What each daemon writes, and so all its key may touch: an ingress node keeps the
 * public service names (its peers' addresses included, as quorum removes a dead one);
 * the local proxy keeps its own mesh name and the services' mesh names, and certbot
 * there answers DNS-01 for the mesh names' certificates. The names that feed the home
 * firewall and every other name of the zone are granted to no node.
 */
export function fleetGrants(
  nodes: readonly StackNode[],
  varsOf: (host: string) => Vars,
  zone: string,
): KeyGrant[] {
  return nodes.map((node) => {
    const vars = varsOf(node.name);
    if (node.role === 'ingress') return { node: node.name, names: serviceDomains(vars) };
    const mesh = serviceMeshNames(vars);
    return {
      node: node.name,
      names: [meshName(node.name, vars, zone), ...mesh],
      txtNames: mesh.map((name) => `_acme-challenge.${name}`),
    };
  });
}

export function bindSnippet(dns: Pick<FleetDns, 'zone' | 'rules' | 'keysConfFile'>): string {
  return [
    '# named.conf: the fleet keys (the file holds secrets: keep it readable by named only)',
    `include "${dns.keysConfFile}";`,
    `zone "${dns.zone}" {`,
    '  # ... your type, file and other options ...',
    '  update-policy {',
    ...dns.rules.map((rule) => `    ${rule}`),
    '  };',
    '};',
    '',
  ].join('\n');
}

/**
 * Makes missing node keys, drops those of removed hosts, and writes the DNS server's
 * part: every key statement (0600) and the update-policy snippet. undefined when the
 * inventory has no `ingress_dns` (no daemon then).
 */
export async function prepareFleetDns(
  nodes: readonly StackNode[],
  varsOf: (host: string) => Vars,
  pkiStateDir: string,
): Promise<FleetDns | undefined> {
  const proxy = nodes.find((n) => n.role === 'local_proxy');
  const dns = obj(varsOf(proxy?.name ?? nodes[0]?.name ?? '')['ingress_dns']);
  const zone = dns?.['zone'];
  const suffix = dns?.['tsig_key_name'];
  if (typeof zone !== 'string' || typeof suffix !== 'string') return undefined;
  const keyDir = nodeKeyDir(pkiStateDir);
  const keys = await ensureNodeKeys(
    keyDir,
    nodes.map((n) => n.name),
    suffix,
  );
  const rules = updatePolicyRules(fleetGrants(nodes, varsOf, zone), suffix);
  const keysConfFile = join(keyDir, 'keys.conf');
  const snippetFile = join(keyDir, 'named.conf.snippet');
  const statements = nodes.map((n) => keys.keys.get(n.name)).filter((k) => k !== undefined);
  await writeFileAtomic(keysConfFile, statements.map(keyStatement).join(''), 0o600);
  const result: FleetDns = { zone, suffix, keyDir, keys, rules, keysConfFile, snippetFile };
  await writeFileAtomic(snippetFile, bindSnippet(result), 0o644);
  return result;
}

/** The extra var site.yml reads: each host's own key file text, by host name. */
export function keyTexts(dns: FleetDns | undefined): Record<string, string> {
  if (!dns) return {};
  return Object.fromEntries([...dns.keys.keys].map(([node, key]) => [node, keyStatement(key)]));
}
