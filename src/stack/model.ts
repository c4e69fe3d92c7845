import { isIP } from 'node:net';
import { IngressError } from '../errors.js';

export type NodeRole = 'ingress' | 'local_proxy';

export interface StackNode {
  name: string;
  role: NodeRole;
  /** Names and addresses the node's certificate must carry, Yggdrasil address excluded. */
  sans: string[];
}

type Vars = Record<string, unknown>;

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function wanAddresses(vars: Vars): string[] {
  const wans = Array.isArray(vars['ingress_wans']) ? (vars['ingress_wans'] as unknown[]) : [];
  return wans
    .map((w) => (w !== null && typeof w === 'object' ? (w as Vars)['address'] : undefined))
    .filter((a): a is string => typeof a === 'string');
}

/** Every address the inventory says the node answers on, in a stable order, once each. */
export function inventorySans(name: string, vars: Vars): string[] {
  const host = typeof vars['ansible_host'] === 'string' ? vars['ansible_host'] : undefined;
  const underlay =
    typeof vars['ingress_underlay_address'] === 'string' ? vars['ingress_underlay_address'] : undefined;
  const ips = [
    ...(host && isIP(host) !== 0 ? [host] : []),
    ...stringList(vars['ingress_public_addresses']),
    ...stringList(vars['ingress_egress_addresses']),
    ...(underlay ? [underlay] : []),
    ...wanAddresses(vars),
  ];
  const names = host && isIP(host) === 0 ? [name, host] : [name];
  return [...new Set([...names, ...ips])];
}

function structureError(message: string, field: string): IngressError {
  return new IngressError('E_CONFIG', message, { location: { file: '<inventory>', field } });
}

/**
 * The stack needs at least one ingress node and exactly one local proxy with at
 * least one WAN; a host in both groups would relay to itself.
 */
export function stackNodes(
  groups: { ingress: string[]; localProxy: string[] },
  varsOf: (host: string) => Vars,
): StackNode[] {
  if (groups.ingress.length === 0)
    throw structureError('the inventory has no host in group "ingress"', 'ingress');
  if (groups.localProxy.length !== 1)
    throw structureError(
      `group "local_proxy" must hold exactly one host, it holds ${groups.localProxy.length}`,
      'local_proxy',
    );
  const proxy = groups.localProxy[0] as string;
  if (groups.ingress.includes(proxy))
    throw structureError(`${proxy} cannot be both an ingress node and the local proxy`, 'local_proxy');
  if (wanAddresses(varsOf(proxy)).length === 0)
    throw structureError(`the local proxy ${proxy} has no ingress_wans with an address`, 'ingress_wans');
  return [
    ...groups.ingress.map((name) => ({
      name,
      role: 'ingress' as const,
      sans: inventorySans(name, varsOf(name)),
    })),
    { name: proxy, role: 'local_proxy' as const, sans: inventorySans(proxy, varsOf(proxy)) },
  ];
}
