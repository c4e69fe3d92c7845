import { docker, dockerode } from './docker.js';

/**
 * Docker refuses a network whose subnet overlaps another one on the machine, which a
 * leftover lab or a second test run may hold: a lab picks a free 10.<base>.0.0/16.
 */

/** The second octets of 10.x.0.0 that some Docker network already uses. */
export function usedBases(subnets: readonly string[]): Set<number> {
  const used = new Set<number>();
  for (const subnet of subnets) {
    const v4 = /^10\.(\d{1,3})\./.exec(subnet);
    const v6 = /^fd1e:([0-9a-f]{1,4}):/i.exec(subnet);
    if (v4?.[1] !== undefined) used.add(Number(v4[1]));
    // The lab's IPv6 twin spells the base in decimal digits (fd1e:<base>:...).
    if (v6?.[1] !== undefined && /^\d+$/.test(v6[1])) used.add(Number(v6[1]));
  }
  return used;
}

/** The preferred base when free, else the next free one upwards (wrapping), never 0. */
export function firstFreeBase(
  preferred: number,
  used: ReadonlySet<number>,
  skip: ReadonlySet<number> = new Set(),
): number {
  for (let step = 0; step < 255; step++) {
    const base = ((preferred - 1 + step) % 255) + 1;
    if (!used.has(base) && !skip.has(base)) return base;
  }
  throw new RangeError('no free 10.x.0.0/16 range for a lab network');
}

/** Every subnet of every Docker network on this machine. */
export async function dockerSubnets(): Promise<string[]> {
  const api = await dockerode();
  const networks = await docker('list networks', () => api.listNetworks());
  return networks.flatMap((n) => (n.IPAM?.Config ?? []).map((c) => c.Subnet ?? '').filter(Boolean));
}

/** Docker's answer when a subnet is taken: the caller may try another range. */
export function isPoolOverlap(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause)
    if (/Pool overlaps/i.test(e.message)) return true;
  return false;
}
