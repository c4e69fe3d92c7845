import ipaddr from 'ipaddr.js';
import { IngressError } from '../errors.js';
import type { HostEvent, RunSink } from '../runner/output-types.js';
import { isYggdrasilPublicKey, sameIpv6, yggdrasilAddress } from './yggdrasil-address.js';

/** What prepare.yml reports about a node: nothing secret. */
export interface NodeIdentity {
  /** The address its certificate carries: derived from the public key when the node reports one. */
  yggAddress: string;
  /** ed25519 public key, 64 hex digits. */
  yggPublicKey: string;
  csrPem: string;
}

/** A node that has no keys yet (check mode on a new node: nothing was generated). */
export const PENDING = 'pending' as const;

const identityError = (host: string, message: string): IngressError =>
  new IngressError('E_MODULE', `${host}: ${message}`);

/** A Yggdrasil node address: IPv6 in 200::/7 with the node prefix 0x02. */
function isNodeAddress(text: string): boolean {
  return ipaddr.IPv6.isValid(text) && ipaddr.IPv6.parse(text).toByteArray()[0] === 0x02;
}

/**
 * The address the certificate carries: the controller derives it from the node's
 * public key and refuses a node that reports another.
 */
function yggAddressOf(host: string, reported: unknown, publicKey: string): string {
  if (reported !== undefined && (typeof reported !== 'string' || !isNodeAddress(reported)))
    throw identityError(host, `reports a malformed Yggdrasil address ${JSON.stringify(reported)}`);
  const derived = yggdrasilAddress(publicKey);
  if (reported !== undefined && !sameIpv6(reported, derived))
    throw identityError(host, `reports Yggdrasil address ${reported}, but its public key gives ${derived}`);
  return derived;
}

export const IDENTITY_TASK = 'Report node identity';

/** Parses the JSON line printed by the identity task; every value is checked for its exact form. */
export function parseIdentity(host: string, stdout: string): NodeIdentity | typeof PENDING {
  let data: unknown;
  try {
    data = JSON.parse(stdout.trim());
  } catch (cause) {
    throw new IngressError('E_MODULE', `${host}: the identity report is not JSON`, { cause });
  }
  const record = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  if (record['pending'] === true) return PENDING;
  const yggPublicKey = record['ygg_public_key'];
  if (typeof yggPublicKey !== 'string' || !isYggdrasilPublicKey(yggPublicKey))
    throw identityError(host, `reports a malformed Yggdrasil public key ${JSON.stringify(yggPublicKey)}`);
  const yggAddress = yggAddressOf(host, record['ygg_address'], yggPublicKey);
  const csrPem = record['csr'];
  if (typeof csrPem !== 'string' || !csrPem.includes('BEGIN CERTIFICATE REQUEST'))
    throw new IngressError('E_MODULE', `${host}: no CSR in the identity report`);
  return { yggAddress, yggPublicKey, csrPem };
}

/**
 * Forwards every event to `inner` and keeps the stdout of the identity task per
 * host: the runner's report holds only stats, the sink sees each result.
 */
export function identityCapture(inner: RunSink): { sink: RunSink; outputs: Map<string, string> } {
  const outputs = new Map<string, string>();
  let current = '';
  const sink: RunSink = {
    playStart: (name, hosts) => inner.playStart(name, hosts),
    taskStart: (name, kind) => {
      current = name;
      inner.taskStart(name, kind);
    },
    hostResult: (event: HostEvent) => {
      const stdout = event.result['stdout'];
      if (current === IDENTITY_TASK && event.status === 'ok' && typeof stdout === 'string')
        outputs.set(event.host, stdout);
      inner.hostResult(event);
    },
    warning: (message) => inner.warning(message),
    recap: (stats) => inner.recap(stats),
  };
  return { sink, outputs };
}
