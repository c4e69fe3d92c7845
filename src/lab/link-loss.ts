import { IngressError } from '../errors.js';
import type { ExecResult } from '../transport/types.js';
import type { StackNetwork } from './topology.js';

/** The lab links a share of packets can be dropped on: the local proxy's WANs and the mesh underlay. */
export const LOSSY_PARTS = ['wan1', 'wan2', 'mesh'] as const;
export type LossyPart = (typeof LOSSY_PARTS)[number];

export const LOSSY_NETWORK: Record<LossyPart, StackNetwork> = {
  wan1: 'wan1',
  wan2: 'wan2',
  mesh: 'underlay',
};

/** Somewhere to run a shell command: a lab host, or a container reached through Docker. */
export interface ShellRunner {
  exec(command: string): Promise<ExecResult>;
}

export function parseLossyPart(name: string): LossyPart {
  if ((LOSSY_PARTS as readonly string[]).includes(name)) return name as LossyPart;
  throw new IngressError('E_USAGE', `cannot degrade "${name}": choose one of ${LOSSY_PARTS.join(', ')}`, {
    location: { file: '(command line)', field: 'part' },
  });
}

export function parseLossPercent(text: string): number {
  const percent = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
  if (!(percent >= 1 && percent <= 100))
    throw new IngressError('E_USAGE', `PERCENT must be an integer 1-100 (got "${text}")`, {
      location: { file: '(command line)', field: 'percent' },
    });
  return percent;
}

/** A table of its own per link, so the stack's firewall tables are never touched. */
export const lossTable = (part: LossyPart): string => `ingress_lab_loss_${part}`;

/** The interface holding `address` in `ip -o -4 addr show` output; the name is checked for its form. */
export function interfaceOf(ipAddrOutput: string, address: string): string {
  for (const line of ipAddrOutput.split('\n')) {
    const match = /^\d+:\s+(\S+)\s+inet\s+(\d{1,3}(?:\.\d{1,3}){3})\//.exec(line);
    if (!match || match[2] !== address) continue;
    // "eth1@if42" names the peer index after "@"; nftables matches the part before it.
    const name = (match[1] ?? '').split('@')[0] ?? '';
    if (!/^[A-Za-z0-9_.-]{1,15}$/.test(name))
      throw new IngressError('E_LAB', `unexpected interface name ${JSON.stringify(name)} for ${address}`);
    return name;
  }
  throw new IngressError('E_LAB', `no interface holds ${address}: is the link connected?`);
}

/**
 * Drops `percent` % of the packets arriving on `iface`, at random (this kernel has no netem).
 * Creating then deleting the table first makes the transaction replace an earlier rule atomically.
 */
export function degradeScript(part: LossyPart, iface: string, percent: number): string {
  const table = lossTable(part);
  return [
    `table inet ${table}`,
    `delete table inet ${table}`,
    `table inet ${table} {`,
    '  chain input {',
    '    type filter hook input priority -300; policy accept;',
    `    iifname "${iface}" numgen random mod 100 < ${percent} drop`,
    '  }',
    '}',
    '',
  ].join('\n');
}

export function healScript(part: LossyPart): string {
  const table = lossTable(part);
  return `table inet ${table}\ndelete table inet ${table}\n`;
}

async function nftScript(host: ShellRunner, script: string, what: string): Promise<void> {
  const result = await host.exec(`nft -f - <<'NFT'\n${script}NFT`);
  if (result.rc !== 0)
    throw new IngressError('E_LAB', `${what} failed (nft exit ${result.rc}): ${result.stderr.trim()}`);
}

/** Starts dropping a share of packets on the proxy's side of a link; returns the interface. */
export async function degradeLink(
  proxy: ShellRunner,
  part: LossyPart,
  address: string,
  percent: number,
): Promise<string> {
  const addresses = await proxy.exec('ip -o -4 addr show');
  if (addresses.rc !== 0) throw new IngressError('E_LAB', `ip addr failed: ${addresses.stderr.trim()}`);
  const iface = interfaceOf(addresses.stdout, address);
  await nftScript(proxy, degradeScript(part, iface, percent), `degrading ${part}`);
  return iface;
}

/** Stops dropping packets on a link; false when no loss was set. */
export async function healLink(proxy: ShellRunner, part: LossyPart): Promise<boolean> {
  const present = await proxy.exec(`nft list table inet ${lossTable(part)} >/dev/null 2>&1`);
  if (present.rc !== 0) return false;
  await nftScript(proxy, healScript(part), `healing ${part}`);
  return true;
}
