/** Parsers for `ip -j addr` and `ip -j route show default` into Ansible's interface facts. */

interface IpAddrInfo {
  family?: string;
  local?: string;
  prefixlen?: number;
  scope?: string;
  broadcast?: string;
}

interface IpLink {
  ifname?: string;
  address?: string;
  mtu?: number;
  flags?: string[];
  link_type?: string;
  addr_info?: IpAddrInfo[];
}

interface IpRoute {
  dst?: string;
  gateway?: string;
  dev?: string;
  prefsrc?: string;
}

export interface Ipv4Facts {
  address: string;
  prefix: string;
  netmask: string;
  network: string;
  broadcast?: string;
}

export interface Ipv6Facts {
  address: string;
  prefix: string;
  scope: string;
}

export interface InterfaceFacts {
  device: string;
  active: boolean;
  type: string;
  mtu?: number;
  macaddress?: string;
  ipv4?: Ipv4Facts;
  ipv4_secondaries?: Ipv4Facts[];
  ipv6?: Ipv6Facts[];
}

function parseJsonArray<T>(text: string): T[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const value: unknown = JSON.parse(trimmed);
  return Array.isArray(value) ? (value as T[]) : [];
}

export function prefixToNetmask(prefix: number): string {
  const bits = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((shift) => (bits >>> shift) & 0xff).join('.');
}

function networkOf(address: string, netmask: string): string {
  const a = address.split('.').map(Number);
  const m = netmask.split('.').map(Number);
  return a.map((octet, i) => octet & (m[i] ?? 0)).join('.');
}

function ipv4Of(info: IpAddrInfo): Ipv4Facts {
  const address = info.local ?? '';
  const netmask = prefixToNetmask(info.prefixlen ?? 32);
  const facts: Ipv4Facts = {
    address,
    prefix: String(info.prefixlen ?? 32),
    netmask,
    network: networkOf(address, netmask),
  };
  if (info.broadcast !== undefined) facts.broadcast = info.broadcast;
  return facts;
}

function interfaceOf(link: IpLink): InterfaceFacts {
  const addrs = link.addr_info ?? [];
  const v4 = addrs.filter((a) => a.family === 'inet' && a.local !== undefined).map(ipv4Of);
  const v6 = addrs
    .filter((a) => a.family === 'inet6' && a.local !== undefined)
    .map((a) => ({ address: a.local ?? '', prefix: String(a.prefixlen ?? 128), scope: a.scope ?? 'global' }));
  const facts: InterfaceFacts = {
    device: link.ifname ?? '',
    active: (link.flags ?? []).includes('UP'),
    type: link.link_type ?? 'unknown',
  };
  if (link.mtu !== undefined) facts.mtu = link.mtu;
  if (link.address !== undefined && link.link_type !== 'loopback') facts.macaddress = link.address;
  if (v4[0] !== undefined) facts.ipv4 = v4[0];
  if (v4.length > 1) facts.ipv4_secondaries = v4.slice(1);
  if (v6.length > 0) facts.ipv6 = v6;
  return facts;
}

export function parseIpAddr(json: string): InterfaceFacts[] {
  return parseJsonArray<IpLink>(json)
    .filter((l) => l.ifname !== undefined)
    .map(interfaceOf);
}

/** Ansible's fact key for an interface: dashes become underscores. */
export function interfaceKey(name: string): string {
  return name.replaceAll('-', '_').replaceAll(':', '_');
}

export interface DefaultRouteFacts {
  interface: string;
  address?: string;
  gateway?: string;
  [key: string]: unknown;
}

/** The default route's interface and gateway, merged with that interface's address as Ansible does. */
export function defaultRoute(
  json: string,
  ifaces: readonly InterfaceFacts[],
  family: 4 | 6,
): DefaultRouteFacts | undefined {
  const route = parseJsonArray<IpRoute>(json).find((r) => r.dst === 'default' && r.dev !== undefined);
  if (route?.dev === undefined) return undefined;
  const iface = ifaces.find((i) => i.device === route.dev);
  const facts: DefaultRouteFacts = { interface: route.dev };
  if (route.gateway !== undefined) facts.gateway = route.gateway;
  if (iface?.macaddress !== undefined) facts.macaddress = iface.macaddress;
  if (family === 4 && iface?.ipv4 !== undefined) Object.assign(facts, iface.ipv4);
  if (family === 6) {
    const global = iface?.ipv6?.find((a) => a.scope === 'global');
    if (global !== undefined) Object.assign(facts, global);
  }
  if (route.prefsrc !== undefined) facts.address = route.prefsrc;
  return facts;
}

export function allAddresses(ifaces: readonly InterfaceFacts[]): { v4: string[]; v6: string[] } {
  const v4 = ifaces
    .flatMap((i) => [i.ipv4, ...(i.ipv4_secondaries ?? [])])
    .flatMap((a) => (a ? [a.address] : []));
  const v6 = ifaces.flatMap((i) => (i.ipv6 ?? []).map((a) => a.address));
  return { v4: v4.filter((a) => !a.startsWith('127.')), v6: v6.filter((a) => a !== '::1') };
}
