import type { Remote } from '../modules/types.js';
import type { Templar } from '../template/types.js';
import { becomeSpecFromVars, connectionSpecFromVars } from '../transport/connection-spec.js';
import { withBecome } from '../transport/become.js';
import type { TransportPool } from '../transport/pool.js';
import type { BecomeRequest } from './deps.js';

/** Connection variables may be templates ("{{ public_ip }}"); the spec builder wants values. */
const CONNECTION_VAR = /^ansible_(host|port|user|connection|timeout|password|private_key_file|ssh_|become)/;

export function renderConnectionVars(
  templar: Templar,
  vars: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...vars };
  for (const [key, value] of Object.entries(vars)) {
    if (CONNECTION_VAR.test(key)) out[key] = templar.renderValue(value, vars);
  }
  return out;
}

export interface ConnectOptions {
  knownHostsFile?: string;
  acceptNewHostKeys: boolean;
  connectTimeoutMs?: number;
}

/** The executor's `connect`: one pooled connection per host, become (sudo) applied per task. */
export function poolConnector(
  pool: TransportPool,
  templar: Templar,
  options: ConnectOptions,
): (hostName: string, vars: Record<string, unknown>, become: BecomeRequest) => Promise<Remote> {
  return async (hostName, vars, become) => {
    const conn = renderConnectionVars(templar, vars);
    const spec = connectionSpecFromVars(hostName, conn, {
      acceptNewHostKeys: options.acceptNewHostKeys,
      ...(options.knownHostsFile ? { knownHostsFile: options.knownHostsFile } : {}),
      ...(options.connectTimeoutMs ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
    });
    const transport = await pool.get(spec);
    return withBecome(transport, becomeSpecFromVars(conn, become), { connectedUser: spec.user });
  };
}
