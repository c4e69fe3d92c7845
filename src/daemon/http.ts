import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IngressError } from '../errors.js';
import type { ListenConfig } from './config.js';
import { isPrivateListenHost } from './config.js';

export interface StatusServerOptions {
  listen: ListenConfig;
  status: () => unknown;
  metrics: () => Promise<string>;
}

export interface StatusServer {
  readonly port: number;
  close(): Promise<void>;
}

/** /status (JSON) and /metrics (Prometheus text); bound to loopback or the mesh only. */
export async function startStatusServer(options: StatusServerOptions): Promise<StatusServer> {
  const { host, port } = options.listen;
  if (!isPrivateListenHost(host)) {
    throw new IngressError(
      'E_CONFIG',
      `refusing to serve status on ${host}: loopback or mesh addresses only`,
    );
  }
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') {
      res.writeHead(405).end();
    } else if (path === '/status') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(options.status()));
    } else if (path === '/metrics') {
      options.metrics().then(
        (text) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(text),
        () => res.writeHead(500).end(),
      );
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (cause) =>
      reject(new IngressError('E_CONFIG', `cannot listen on ${host}:${port}`, { cause })),
    );
    server.listen(port, host, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
