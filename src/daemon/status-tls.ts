import { readFile } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import { isIP } from 'node:net';
import { checkServerIdentity } from 'node:tls';
import type { PeerCertificate, SecureContext, TLSSocket } from 'node:tls';
import ipaddr from 'ipaddr.js';
import type { StatusTlsConfig } from './config-types.js';
import { probeContext } from './probe.js';

/** The node's certificate, key and the CA bundle, as PEM text. */
export interface TlsMaterial {
  ca: string;
  cert: string;
  key: string;
  /**
   * The three parsed once (tlsMaterialCache): building a context for every request parsed
   * the key and the CA again each time, the daemon's largest steady cost in CPU.
   */
  context?: SecureContext;
}

export async function readTlsMaterial(files: StatusTlsConfig): Promise<TlsMaterial> {
  const [ca, cert, key] = await Promise.all(
    [files.caFile, files.certFile, files.keyFile].map((file) => readFile(file, 'utf8')),
  );
  return { ca: ca as string, cert: cert as string, key: key as string };
}

/**
 * Renewal replaces the node's certificate on disk while the daemon runs: the files are
 * read again once `maxAgeMs` has passed, and a failed read keeps the last good material.
 */
export type TlsMaterialSource = () => Promise<TlsMaterial & { context: SecureContext }>;

/** Whether two configs name the same three files (then one cache serves both). */
export function sameTlsFiles(a: StatusTlsConfig, b: StatusTlsConfig): boolean {
  return a.caFile === b.caFile && a.certFile === b.certFile && a.keyFile === b.keyFile;
}

export function tlsMaterialCache(
  files: StatusTlsConfig,
  now: () => number,
  maxAgeMs = 60_000,
): TlsMaterialSource {
  let cached: { material: TlsMaterial & { context: SecureContext }; readAtMs: number } | undefined;
  return async () => {
    if (cached && now() - cached.readAtMs < maxAgeMs) return cached.material;
    try {
      const material = await readTlsMaterial(files);
      const context = probeContext(material);
      cached = { material: { ...material, context }, readAtMs: now() };
    } catch (err) {
      if (!cached) throw err;
    }
    return cached.material;
  };
}

/** TLS 1.3 and a client certificate from the internal CA, as on every other hop. */
export function mutualTlsOptions(material: TlsMaterial) {
  return { ...material, minVersion: 'TLSv1.3' as const, requestCert: true, rejectUnauthorized: true };
}

/** Read once per connection: peers poll over kept connections, and decoding the certificate is not free. */
const namesBySocket = new WeakMap<TLSSocket, string | undefined>();

/** The CN of the verified client certificate: the fleet member's inventory name. */
export function clientName(req: IncomingMessage): string | undefined {
  const socket = req.socket as TLSSocket;
  if (!socket.authorized) return undefined;
  if (namesBySocket.has(socket)) return namesBySocket.get(socket);
  const cn = socket.getPeerCertificate().subject?.CN;
  const name = typeof cn === 'string' ? cn : undefined;
  namesBySocket.set(socket, name);
  return name;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The mesh side of /status: only a fleet member whose certificate the internal CA signed
 * (and whose name is in `allowed`) gets an answer; others fail the handshake or get 403.
 */
export function createMutualTlsServer(
  material: TlsMaterial,
  allowed: readonly string[],
  handler: Handler,
): Server {
  const server = createServer(mutualTlsOptions(material), (req, res) => {
    const name = clientName(req);
    if (name === undefined || !allowed.includes(name)) res.writeHead(403).end();
    else handler(req, res);
  });
  // Peers poll over a kept connection (see pollAgent): idle longer than a poll interval, and
  // replaced after a while so a renewed certificate on either side is shown within minutes.
  server.keepAliveTimeout = KEPT_IDLE_MS;
  server.maxRequestsPerSocket = KEPT_MAX_REQUESTS;
  return server;
}

/** How long a peer's kept status connection may idle: longer than the default 2 s poll interval. */
export const KEPT_IDLE_MS = 15_000;
/** Polls per kept connection before a new handshake (about a minute at the default interval). */
export const KEPT_MAX_REQUESTS = 30;

function canonicalIp(address: string): string {
  const parsed = ipaddr.parse(address);
  return parsed.kind() === 'ipv6' ? (parsed as ipaddr.IPv6).toNormalizedString() : parsed.toString();
}

/**
 * The peer's certificate must carry the address we polled. Node 20 compares an IPv6 host
 * with the SAN as OpenSSL prints it (uncompressed), so `200:1::1` would never match: both
 * sides are normalised first. Names go to Node's own check.
 */
export function checkPeerIdentity(host: string, cert: PeerCertificate): Error | undefined {
  if (isIP(host) === 0) return checkServerIdentity(host, cert);
  const ips = (cert.subjectaltname ?? '')
    .split(', ')
    .filter((entry) => entry.startsWith('IP Address:'))
    .map((entry) => canonicalIp(entry.slice('IP Address:'.length)));
  if (ips.includes(canonicalIp(host))) return undefined;
  return new Error(`${host} is not among the certificate's addresses (${ips.join(', ') || 'none'})`);
}

/** A status document is a few kilobytes; anything far larger is not one. */
const MAX_STATUS_BYTES = 1 << 20;

/**
 * Reads a /status answer for either poll (loopback HTTP or mesh mTLS): 200 and JSON, at most
 * MAX_STATUS_BYTES, so a compromised peer cannot make the daemon buffer without end.
 */
export function readJsonAnswer(
  req: ClientRequest,
  res: IncomingMessage,
  resolve: (doc: unknown) => void,
  reject: (err: Error) => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  res.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_STATUS_BYTES) req.destroy(new Error('status document too large'));
    else chunks.push(chunk);
  });
  res.on('error', reject);
  res.on('end', () => {
    if (res.statusCode !== 200) return reject(new Error(`status ${res.statusCode ?? 'none'}`));
    try {
      resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    } catch (cause) {
      reject(new Error('status document is not JSON', { cause }));
    }
  });
}

/**
 * One kept connection per peer: a handshake for every poll was most of an idle daemon's CPU.
 * New material (a renewed certificate, read again by tlsMaterialCache) gets new connections.
 */
let pollAgent: { key: object; agent: Agent } | undefined;

function agentFor(material: TlsMaterial): Agent {
  const key = material.context ?? material;
  if (pollAgent?.key !== key) {
    pollAgent?.agent.destroy();
    // The identity check belongs to the agent: one passed with each request makes Node (20.19)
    // give every request a pool of its own, so no connection was ever reused.
    const agent = new Agent({ keepAlive: true, maxSockets: 1, checkServerIdentity: checkPeerIdentity });
    pollAgent = { key, agent };
  }
  return pollAgent.agent;
}

/** A kept connection the peer closed meanwhile (it restarted) says nothing about the peer now. */
const STALE_SOCKET = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/** GET over mTLS: our certificate as the client's, the peer's checked against the CA and its address. */
export function getJsonMutualTls(
  url: string,
  material: TlsMaterial,
  timeoutMs: number,
  retried = false,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req: ClientRequest = request(
      url,
      {
        method: 'GET',
        agent: agentFor(material),
        ...(material.context ? { secureContext: material.context } : material),
        minVersion: 'TLSv1.3',
        rejectUnauthorized: true,
        timeout: timeoutMs,
      },
      (res) => readJsonAnswer(req, res, resolve, reject),
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (!retried && req.reusedSocket && STALE_SOCKET.has(err.code ?? ''))
        resolve(getJsonMutualTls(url, material, timeoutMs, true));
      else reject(err);
    });
    req.end();
  });
}
