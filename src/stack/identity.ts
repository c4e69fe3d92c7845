import { isIP } from 'node:net';
import { IngressError } from '../errors.js';
import type { HostEvent, RunSink } from '../runner/output-types.js';

/** What prepare.yml reports about a node: nothing secret. */
export interface NodeIdentity {
  yggAddress: string;
  /** ed25519 public key, 64 hex digits. */
  yggPublicKey: string;
  csrPem: string;
}

/** A node that has no keys yet (check mode on a new node: nothing was generated). */
export const PENDING = 'pending' as const;

export const IDENTITY_TASK = 'Report node identity';

/** Parses the JSON line printed by the identity task; every value is checked for its exact form. */
export function parseIdentity(host: string, stdout: string): NodeIdentity | typeof PENDING {
  let data: unknown;
  try {
    data = JSON.parse(stdout.trim());
  } catch (cause) {
    throw new IngressError('E_MODULE', `${host}: the identity report is not JSON`, { cause });
  }
  const record = (data ?? {}) as Record<string, unknown>;
  if (record['pending'] === true) return PENDING;
  const yggAddress = record['ygg_address'];
  const yggPublicKey = record['ygg_public_key'];
  const csrPem = record['csr'];
  if (typeof yggAddress !== 'string' || isIP(yggAddress) !== 6 || !/^0?2[0-9a-f]{2}:/i.test(yggAddress))
    throw new IngressError('E_MODULE', `${host}: no Yggdrasil address in the identity report`);
  if (typeof yggPublicKey !== 'string' || !/^[0-9a-f]{64}$/.test(yggPublicKey))
    throw new IngressError(
      'E_MODULE',
      `${host}: no Yggdrasil public key (64 hex digits) in the identity report`,
    );
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
