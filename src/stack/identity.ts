import { isIP } from 'node:net';
import { IngressError } from '../errors.js';
import type { HostEvent, RunSink } from '../runner/output-types.js';

/** What prepare.yml reports about a node: nothing secret. */
export interface NodeIdentity {
  yggAddress: string;
  csrPem: string;
}

export const IDENTITY_TASK = 'Report node identity';

/** Parses the JSON line printed by the identity task. */
export function parseIdentity(host: string, stdout: string): NodeIdentity {
  let data: unknown;
  try {
    data = JSON.parse(stdout.trim());
  } catch (cause) {
    throw new IngressError('E_MODULE', `${host}: the identity report is not JSON`, { cause });
  }
  const record = (data ?? {}) as Record<string, unknown>;
  const yggAddress = record['ygg_address'];
  const csrPem = record['csr'];
  if (typeof yggAddress !== 'string' || isIP(yggAddress) !== 6)
    throw new IngressError('E_MODULE', `${host}: no Yggdrasil address in the identity report`);
  if (typeof csrPem !== 'string' || !csrPem.includes('BEGIN CERTIFICATE REQUEST'))
    throw new IngressError('E_MODULE', `${host}: no CSR in the identity report`);
  return { yggAddress, csrPem };
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
