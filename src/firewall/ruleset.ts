import { IngressError } from '../errors.js';
import type { AllowSetTarget } from './plan.js';
import { checkIdent, splitAddresses } from './plan.js';

export interface LocalProxyRuleset extends AllowSetTarget {
  /** Interfaces facing the WAN links; the rules apply only to traffic arriving on them. */
  wanInterfaces: string[];
  /** The mTLS listener port(s) ingress nodes connect to. */
  mtlsPorts: number[];
  sshPort: number;
  /** Elements to seed a freshly created set with, so the first apply does not lock ingress out. */
  initialAddresses?: string[];
}

function checkPort(port: number): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new IngressError('E_FIREWALL', `invalid port: ${port}`);
  }
  return port;
}

function checkInterface(name: string): string {
  if (!/^[A-Za-z0-9_.\-@]{1,15}$/.test(name)) {
    throw new IngressError('E_FIREWALL', `invalid interface name: ${JSON.stringify(name)}`);
  }
  return `"${name}"`;
}

function anonSet(items: string[]): string {
  return items.length === 1 ? (items[0] ?? '') : `{ ${items.join(', ')} }`;
}

/**
 * The local proxy's base ruleset, as one `nft -f` transaction. It is re-runnable: `add` of an
 * existing table, set or chain is a no-op, the chain is flushed and refilled, and the sets keep
 * their elements, so re-applying never drops an allowed ingress node.
 */
export function planLocalProxyRuleset(spec: LocalProxyRuleset): string {
  if (spec.wanInterfaces.length === 0 || spec.mtlsPorts.length === 0) {
    throw new IngressError('E_FIREWALL', 'the ruleset needs at least one WAN interface and one mTLS port');
  }
  const at = `${spec.family} ${checkIdent('table', spec.table)}`;
  const v4 = checkIdent('set', spec.setV4);
  const v6 = checkIdent('set', spec.setV6);
  const wan = `iifname ${anonSet(spec.wanInterfaces.map(checkInterface))}`;
  const mtls = `tcp dport ${anonSet(spec.mtlsPorts.map((p) => String(checkPort(p))))}`;
  const lines = [
    `add table ${at}`,
    `add set ${at} ${v4} { type ipv4_addr; }`,
    `add set ${at} ${v6} { type ipv6_addr; }`,
    `add chain ${at} input { type filter hook input priority filter; policy accept; }`,
    `flush chain ${at} input`,
    `add rule ${at} input ${wan} tcp dport ${checkPort(spec.sshPort)} accept`,
    `add rule ${at} input ${wan} ${mtls} ip saddr @${v4} accept`,
    `add rule ${at} input ${wan} ${mtls} ip6 saddr @${v6} accept`,
    `add rule ${at} input ${wan} ${mtls} drop`,
  ];
  const seed = splitAddresses(spec.initialAddresses ?? []);
  if (seed.v4.length > 0) lines.push(`add element ${at} ${v4} { ${seed.v4.join(', ')} }`);
  if (seed.v6.length > 0) lines.push(`add element ${at} ${v6} { ${seed.v6.join(', ')} }`);
  return `${lines.join('\n')}\n`;
}
