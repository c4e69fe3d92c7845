import ipaddr from 'ipaddr.js';

/**
 * What may enter the home firewall's allow-set from DNS: an attacker who can
 * change or forge an ingress name's records must not be able to admit the
 * whole internet (0.0.0.0), the proxy itself (127.0.0.1), its LAN's link-local
 * neighbours, multicast groups, or thousands of addresses.
 */

export const DEFAULT_MAX_ADDRESSES_PER_NAME = 16;

const REFUSED_RANGES = new Set(['unspecified', 'loopback', 'linkLocal', 'multicast', 'broadcast']);

/** Why an address may never be admitted, or undefined when it may. */
export function refusedAddressReason(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress())
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  const range = parsed.range();
  return REFUSED_RANGES.has(range) ? range : undefined;
}

export interface ScreenedName {
  kept: string[];
  dropped: { address: string; reason: string }[];
  /** Set when the whole answer is refused (the last good set stays). */
  rejected?: string;
}

/** Screens every address one name resolved to (A and AAAA together). */
export function screenName(addresses: readonly string[], maxAddresses: number): ScreenedName {
  const unique = [...new Set(addresses)];
  if (unique.length > maxAddresses) {
    return {
      kept: [],
      dropped: [],
      rejected: `${unique.length} addresses, more than the bound of ${maxAddresses}`,
    };
  }
  const kept: string[] = [];
  const dropped: ScreenedName['dropped'] = [];
  for (const address of unique) {
    const reason = refusedAddressReason(address);
    if (reason) dropped.push({ address, reason });
    else kept.push(address);
  }
  return { kept, dropped };
}
