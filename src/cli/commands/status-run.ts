import { IngressError, formatError } from '../../errors.js';
import { loadInventory } from '../../inventory/load.js';
import { selectHosts } from '../../inventory/patterns.js';
import { hostVars } from '../../inventory/vars.js';
import { fleetRows, formatFleetTable } from '../../metrics/fleet.js';
import type { FleetEntry } from '../../metrics/fleet.js';
import { DEFAULT_STATUS_PORT, parseDaemonStatus } from '../../metrics/status.js';
import { renderConnectionVars } from '../../runner/connect.js';
import { createTemplar } from '../../template/templar.js';
import { connectionSpecFromVars } from '../../transport/connection-spec.js';
import { TransportPool } from '../../transport/pool.js';

export interface StatusFlags {
  inventory: string[];
  limit?: string;
  json?: boolean;
  acceptNewHostKeys?: boolean;
  knownHosts?: string;
}

/** Where the daemon serves /status on the node: loopback by default (host vars can say otherwise). */
function statusUrl(vars: Record<string, unknown>): string {
  const host = String(vars.ingress_daemon_status_host ?? '127.0.0.1');
  const port = Number(vars.ingress_daemon_status_port ?? DEFAULT_STATUS_PORT);
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}/status`;
}

async function fetchHost(
  pool: TransportPool,
  host: string,
  vars: Record<string, unknown>,
  flags: StatusFlags,
): Promise<FleetEntry> {
  try {
    const spec = connectionSpecFromVars(host, vars, {
      acceptNewHostKeys: Boolean(flags.acceptNewHostKeys),
      ...(flags.knownHosts ? { knownHostsFile: flags.knownHosts } : {}),
    });
    const transport = await pool.get(spec);
    // The endpoint listens on loopback or the mesh only, so it is read from the node itself.
    const url = statusUrl(vars);
    const result = await transport.exec(`curl -sS --max-time 5 '${url}'`, { timeoutMs: 10_000 });
    if (result.rc !== 0) return { host, error: result.stderr.trim() || `curl exited ${result.rc}` };
    return { host, status: parseDaemonStatus(result.stdout) };
  } catch (err) {
    return { host, error: formatError(err) };
  }
}

/** Every selected host's daemon status, fetched in parallel over one SSH connection each. */
export async function collectFleetStatus(flags: StatusFlags): Promise<FleetEntry[]> {
  const inventory = await loadInventory(flags.inventory);
  const hosts = selectHosts(inventory, flags.limit ?? 'all');
  const templar = createTemplar({ searchPaths: [] });
  const pool = new TransportPool();
  try {
    return await Promise.all(
      hosts.map((host) =>
        fetchHost(pool, host, renderConnectionVars(templar, hostVars(inventory, host)), flags),
      ),
    );
  } finally {
    await pool.closeAll();
  }
}

/** `ingress status`'s action: print the table (or JSON) and return the exit code. */
export async function runStatus(flags: StatusFlags): Promise<number> {
  if (flags.inventory.length === 0) throw new IngressError('E_USAGE', 'give an inventory with -i PATH');
  const entries = await collectFleetStatus(flags);
  process.stdout.write(
    flags.json ? `${JSON.stringify(entries, null, 2)}\n` : formatFleetTable(fleetRows(entries)),
  );
  // Unreachable daemons are worth a non-zero exit for scripts and monitoring.
  return entries.some((e) => 'error' in e) ? 1 : 0;
}
