import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { IngressError } from '../errors.js';
import type { ListenConfig } from './config.js';
import { isLoopbackHost, isPrivateListenHost } from './config.js';
import { peerStatusDocument } from '../metrics/status.js';
import type { TlsMaterial } from './status-tls.js';
import { createMutualTlsServer, mutualTlsOptions } from './status-tls.js';

export interface StatusServerOptions {
  listen: ListenConfig;
  status: () => unknown;
  metrics: () => Promise<string>;
  /** How long to wait before binding a mesh address again that is not up yet (default 5 s). */
  retryMs?: number;
  /** Told about each failed attempt at a mesh address. */
  onBindError?: (host: string, error: string) => void;
  /** Required for a mesh address: mTLS with the node's certificate, answering these fleet members only. */
  meshTls?: MeshTls;
}

export interface MeshTls {
  material: () => Promise<TlsMaterial>;
  /** Inventory names (certificate CNs) of the fleet members that poll this node. */
  allowed: readonly string[];
  /** How often the certificate files are read again (renewal replaces them); default 60 s. */
  reloadMs?: number;
}

export interface BoundAddress {
  host: string;
  port: number;
}

export interface StatusServer {
  /** Port of the first address (with port 0, each address gets its own). */
  readonly port: number;
  /** Addresses listening now; a mesh address joins once its interface is up. */
  bound(): BoundAddress[];
  close(): Promise<void>;
}

/**
 * `full`: the whole status and the metrics, for loopback (local tools, `ingress status` over SSH).
 * `peer`: on the mesh, anyone may connect, so only what the fleet's votes read from /status
 * (serving, dead peers, allow-set); no records, paths, certificates, timeline or metrics.
 */
export type StatusView = 'full' | 'peer';

export function statusHandler(options: StatusServerOptions, view: StatusView) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') {
      res.writeHead(405).end();
    } else if (path === '/status') {
      const doc = view === 'full' ? options.status() : peerStatusDocument(options.status());
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(doc));
    } else if (path === '/metrics' && view === 'full') {
      options.metrics().then(
        (text) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(text),
        () => res.writeHead(500).end(),
      );
    } else {
      res.writeHead(404).end();
    }
  };
}

function listenOn(server: Server, host: string, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (cause: Error): void => reject(cause);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function refuseUnsafeHosts(options: StatusServerOptions): void {
  const { hosts } = options.listen;
  const refused = hosts.find((host) => !isPrivateListenHost(host));
  if (refused !== undefined || hosts.length === 0) {
    throw new IngressError(
      'E_CONFIG',
      `refusing to serve status on ${refused ?? 'no address'}: loopback or mesh addresses only`,
    );
  }
  const mesh = hosts.find((host) => !isLoopbackHost(host));
  if (mesh !== undefined && !options.meshTls)
    throw new IngressError('E_CONFIG', `refusing to serve status on ${mesh} without mTLS`);
}

async function makeServer(options: StatusServerOptions, host: string): Promise<Server> {
  if (isLoopbackHost(host)) return createServer(statusHandler(options, 'full'));
  const tls = options.meshTls as MeshTls;
  return createMutualTlsServer(await tls.material(), tls.allowed, statusHandler(options, 'peer'));
}

/** New connections get the renewed certificate; one that cannot be read leaves the last good. */
async function reloadTls(
  servers: ReadonlyMap<string, Server>,
  tls: MeshTls,
  onBindError: StatusServerOptions['onBindError'],
): Promise<void> {
  const material = await tls.material().catch(() => undefined);
  if (!material) return;
  for (const [host, server] of servers) {
    if (isLoopbackHost(host)) continue;
    try {
      (server as HttpsServer).setSecureContext(mutualTlsOptions(material));
    } catch (cause) {
      onBindError?.(host, `cannot use the renewed certificate: ${String(cause)}`);
    }
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    // Node 18 (the nodes' runtime) keeps idle keep-alive connections open through close().
    server.closeAllConnections();
  });
}

/** The servers of one status server, the timers that retry or reload them, and closing both. */
function createListeners(options: StatusServerOptions) {
  const { port } = options.listen;
  const servers = new Map<string, Server>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  const attempt = async (host: string): Promise<void> => {
    try {
      // A certificate that cannot be read yet is retried like an address that is not up yet.
      const server = await makeServer(options, host);
      await listenOn(server, host, port);
      if (closed) server.close();
      else servers.set(host, server);
    } catch (cause) {
      if (isLoopbackHost(host))
        throw new IngressError('E_CONFIG', `cannot listen on ${host}:${port}`, { cause });
      options.onBindError?.(host, cause instanceof Error ? cause.message : String(cause));
      if (closed) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        void attempt(host);
      }, options.retryMs ?? 5000);
      timers.add(timer);
    }
  };

  return {
    attempt,
    reloadEvery(tls: MeshTls): void {
      const reload = setInterval(
        () => void reloadTls(servers, tls, options.onBindError),
        tls.reloadMs ?? 60_000,
      );
      reload.unref();
      timers.add(reload);
    },
    async close(): Promise<void> {
      closed = true;
      timers.forEach((timer) => clearTimeout(timer));
      await Promise.all([...servers.values()].map(closeServer));
      servers.clear();
    },
    bound: (): BoundAddress[] =>
      [...servers.entries()].map(([host, server]) => ({
        host,
        port: (server.address() as AddressInfo).port,
      })),
  };
}

/**
 * /status (JSON) and /metrics (Prometheus text) on loopback; on a mesh address only the peers'
 * part of /status (see StatusView). Loopback must bind at once; a mesh address whose tun interface is not up yet (the daemon
 * may start before Yggdrasil) is retried in the background instead of failing the daemon.
 */
export async function startStatusServer(options: StatusServerOptions): Promise<StatusServer> {
  refuseUnsafeHosts(options);
  const listeners = createListeners(options);
  try {
    for (const host of options.listen.hosts) await listeners.attempt(host);
  } catch (err) {
    await listeners.close();
    throw err;
  }
  if (options.meshTls) listeners.reloadEvery(options.meshTls);
  const { bound } = listeners;
  return { port: bound()[0]?.port ?? options.listen.port, bound, close: listeners.close };
}
