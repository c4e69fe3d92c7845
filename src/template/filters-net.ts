import ipaddr from 'ipaddr.js';
import { type Filter, strict } from './args.js';

/** IP address filters and tests in the spirit of ansible.utils (ipaddr, ipv4, ipv6, ipwrap). */

type Address = ipaddr.IPv4 | ipaddr.IPv6;

interface ParsedIp {
  addr: Address;
  /** The prefix as written, or undefined for a bare address. */
  prefix: number | undefined;
  bits: number;
}

export function parseIp(value: unknown): ParsedIp | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim().replace(/^\[(.*)\]$/, '$1');
  const [host = '', prefixText, ...extra] = text.split('/');
  if (extra.length > 0) return undefined;
  const v4 = ipaddr.IPv4.isValidFourPartDecimal(host);
  if (!v4 && !(host.includes(':') && ipaddr.IPv6.isValid(host))) return undefined;
  const addr = ipaddr.parse(host);
  const bits = addr.kind() === 'ipv4' ? 32 : 128;
  if (prefixText === undefined) return { addr, prefix: undefined, bits };
  const prefix = Number(prefixText);
  if (!/^\d+$/.test(prefixText) || prefix > bits) return undefined;
  return { addr, prefix, bits };
}

const show = (a: Address): string => a.toString();

function networkOf(ip: ParsedIp): Address {
  const bytes = ip.addr.toByteArray();
  const prefix = ip.prefix ?? ip.bits;
  const masked = bytes.map((byte, i) => {
    const keep = Math.max(0, Math.min(8, prefix - i * 8));
    return byte & (0xff << (8 - keep)) & 0xff;
  });
  return ipaddr.fromByteArray(masked);
}

function broadcastOf(ip: ParsedIp): Address {
  const prefix = ip.prefix ?? ip.bits;
  const bytes = networkOf(ip)
    .toByteArray()
    .map((byte, i) => byte | (0xff >> Math.max(0, Math.min(8, prefix - i * 8))));
  return ipaddr.fromByteArray(bytes);
}

/** A host address, as opposed to a network written with its prefix. */
function isHost(ip: ParsedIp): boolean {
  if (ip.prefix === undefined || ip.prefix >= ip.bits - (ip.bits === 32 ? 1 : 0)) return true;
  return show(networkOf(ip)) !== show(ip.addr);
}

type Query = (ip: ParsedIp, original: string) => unknown;

const QUERIES: Record<string, Query> = {
  '': (_ip, original) => original,
  address: (ip) => (isHost(ip) ? show(ip.addr) : false),
  host: (ip) => (isHost(ip) ? `${show(ip.addr)}/${ip.prefix ?? ip.bits}` : false),
  network: (ip) => show(networkOf(ip)),
  net: (ip) => (ip.prefix !== undefined && !isHost(ip) ? `${show(ip.addr)}/${ip.prefix}` : false),
  subnet: (ip) => `${show(networkOf(ip))}/${ip.prefix ?? ip.bits}`,
  cidr: (ip) => `${show(networkOf(ip))}/${ip.prefix ?? ip.bits}`,
  prefix: (ip) => ip.prefix ?? ip.bits,
  netmask: (ip) =>
    show(
      ip.bits === 32
        ? ipaddr.IPv4.subnetMaskFromPrefixLength(ip.prefix ?? 32)
        : ipaddr.IPv6.subnetMaskFromPrefixLength(ip.prefix ?? 128),
    ),
  broadcast: (ip) =>
    ip.bits === 32 && ip.prefix !== undefined && ip.prefix < 31 ? show(broadcastOf(ip)) : false,
  version: (ip) => (ip.bits === 32 ? 4 : 6),
  size: (ip) => 2 ** (ip.bits - (ip.prefix ?? ip.bits)),
  private: (ip, o) => (['private', 'uniqueLocal'].includes(ip.addr.range()) ? o : false),
  public: (ip, o) => (ip.addr.range() === 'unicast' ? o : false),
  loopback: (ip, o) => (ip.addr.range() === 'loopback' ? o : false),
  ipv4: (ip, o) => (ip.bits === 32 ? o : false),
  ipv6: (ip, o) => (ip.bits === 128 ? o : false),
  wrap: (ip, o) => wrapOne(o),
};

function query(value: unknown, name: string, version?: 4 | 6): unknown {
  const ip = parseIp(value);
  if (!ip || (version !== undefined && ip.bits !== (version === 4 ? 32 : 128))) return false;
  const run = QUERIES[name];
  if (!run) throw new Error(`ipaddr: unknown query '${name}'`);
  return run(ip, String(value).trim());
}

function ipFilter(version?: 4 | 6): Filter {
  return (value, q = '') => {
    const name = String(q);
    if (Array.isArray(value)) {
      return value.map((v) => query(v, name, version)).filter((v) => v !== false && v !== null);
    }
    return query(value, name, version);
  };
}

function wrapOne(value: unknown): unknown {
  const ip = parseIp(value);
  if (!ip || ip.bits !== 128 || typeof value !== 'string' || value.trim().startsWith('[')) return value;
  const [host, prefix] = value.trim().split('/');
  return prefix === undefined ? `[${host}]` : `[${host}]/${prefix}`;
}

function inNetwork(value: unknown, network: unknown): boolean {
  const ip = parseIp(value);
  const net = parseIp(network);
  if (!ip || !net || ip.bits !== net.bits) return false;
  return ip.addr.match(networkOf(net), net.prefix ?? net.bits);
}

const ipTest = (check: (ip: ParsedIp) => boolean) => (value: unknown) => {
  const ip = parseIp(value);
  return ip !== undefined && check(ip);
};

const NET_FILTER_BASE: Record<string, Filter> = {
  ipaddr: ipFilter(),
  ipv4: ipFilter(4),
  ipv6: ipFilter(6),
  ipwrap: (value) => (Array.isArray(value) ? value.map(wrapOne) : wrapOne(value)),
};

const NET_TEST_BASE: Record<string, (value: unknown, ...args: unknown[]) => boolean> = {
  ip: ipTest(() => true),
  ipv4: ipTest((ip) => ip.bits === 32),
  ipv6: ipTest((ip) => ip.bits === 128),
  ip_address: ipTest((ip) => ip.prefix === undefined),
  ipv4_address: ipTest((ip) => ip.bits === 32 && ip.prefix === undefined),
  ipv6_address: ipTest((ip) => ip.bits === 128 && ip.prefix === undefined),
  in_network: inNetwork,
  private: ipTest((ip) => ['private', 'uniqueLocal'].includes(ip.addr.range())),
  public: ipTest((ip) => ip.addr.range() === 'unicast'),
};

/** Each name also under the collection prefixes playbooks use. */
function withPrefixes<T>(base: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [name, fn] of Object.entries(base)) {
    for (const prefix of ['', 'ansible.utils.', 'ansible.netcommon.']) out[prefix + name] = fn;
  }
  return out;
}

export const NET_FILTERS: Record<string, Filter> = Object.fromEntries(
  Object.entries(withPrefixes(NET_FILTER_BASE)).map(([name, fn]) => [name, strict(fn)]),
);

export const NET_TESTS = withPrefixes(NET_TEST_BASE);
