import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { SecureContextOptions, TLSSocket } from 'node:tls';
import { IngressError } from '../errors.js';
import { signCsr } from './issue.js';
import { readTrustMaterial } from './node-cert.js';
import {
  authorizeClient,
  RenewRateLimiter,
  usableName,
  type Authorization,
  type RateLimit,
} from './renew-policy.js';
import { readIssued, requireState, trustBundlePem } from './store.js';

/**
 * The renewal signer: an HTTPS service with mutual TLS 1.3, run where the CA lives
 * (the local proxy or the controller, never an ingress node). A node proves who it is
 * with its current certificate and sends only a CSR; the names it gets come from the
 * controller's record, never from the request.
 */
export interface SignerOptions {
  stateDir: string;
  host: string;
  port: number;
  /** The signer's own server certificate and key (PEM files; re-read when they change). */
  certFile: string;
  keyFile: string;
  /** Lifetime of the certificates it issues; default 30 days. */
  lifetimeSeconds?: number;
  rateLimit?: RateLimit;
  /** How often the trust bundle and server certificate are re-read. */
  refreshMs?: number;
  now?: () => number;
  log?: SignerLog;
}

/** A pino-compatible subset; entries carry names and serials only, never keys or CSRs. */
export interface SignerLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface RunningSigner {
  port: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;
const silent: SignerLog = { info: () => undefined, warn: () => undefined };

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function secureContext(options: SignerOptions): Promise<SecureContextOptions> {
  const state = await requireState(options.stateDir);
  return {
    cert: await readFile(options.certFile, 'utf8'),
    key: await readFile(options.keyFile, 'utf8'),
    ca: await trustBundlePem(options.stateDir, state),
    minVersion: 'TLSv1.3',
  };
}

function send(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(`${JSON.stringify(body)}\n`);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpFailure(413, 'request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The TLS layer has verified the chain; this decides what the holder may do. */
async function authorize(
  options: SignerOptions,
  req: IncomingMessage,
): Promise<Authorization & { ok: true }> {
  const socket = req.socket as TLSSocket;
  const peer = socket.getPeerCertificate();
  if (!socket.authorized || !peer.serialNumber) throw new HttpFailure(401, 'no valid client certificate');
  const cn = typeof peer.subject.CN === 'string' ? peer.subject.CN : undefined;
  const state = await requireState(options.stateDir);
  const record = usableName(cn) ? await readIssued(options.stateDir, cn) : undefined;
  const verdict = authorizeClient({ cn, serial: peer.serialNumber }, record, state.revoked);
  if (!verdict.ok) throw new HttpFailure(verdict.status, verdict.reason);
  return verdict;
}

async function renew(
  options: SignerOptions,
  limiter: RenewRateLimiter,
  who: Authorization & { ok: true },
  body: string,
): Promise<object> {
  let csrPem: unknown;
  try {
    csrPem = (JSON.parse(body) as { csr?: unknown }).csr;
  } catch {
    throw new HttpFailure(400, 'body is not JSON');
  }
  if (typeof csrPem !== 'string') throw new HttpFailure(400, 'body needs a "csr" string');
  const nowMs = (options.now ?? Date.now)();
  const slot = limiter.take(who.name, nowMs);
  if (!slot.ok) {
    throw new HttpFailure(
      429,
      `too many renewals for ${who.name}; retry in ${Math.ceil(slot.retryAfterMs / 1000)} s`,
    );
  }
  const issued = await signCsr({
    stateDir: options.stateDir,
    csrPem,
    name: who.name,
    sans: who.sans,
    usage: who.usage,
    lifetimeSeconds: options.lifetimeSeconds ?? 30 * 86_400,
    now: new Date(nowMs),
  }).catch((err: unknown) => {
    if (err instanceof IngressError && err.code === 'E_VALIDATION') throw new HttpFailure(400, err.message);
    throw err;
  });
  const trust = await readTrustMaterial(options.stateDir);
  return {
    certPem: issued.certPem,
    caBundlePem: trust.caBundlePem,
    crlPem: trust.crlPem,
    serial: issued.record.serial,
    notAfter: issued.record.notAfter,
  };
}

function handler(options: SignerOptions, limiter: RenewRateLimiter) {
  const log = options.log ?? silent;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const remote = req.socket.remoteAddress;
    let name: string | undefined;
    try {
      const route = `${req.method ?? ''} ${req.url ?? ''}`;
      if (route !== 'GET /v1/trust' && route !== 'POST /v1/renew')
        throw new HttpFailure(404, `no route ${route}`);
      const who = await authorize(options, req);
      name = who.name;
      if (route === 'GET /v1/trust') return send(res, 200, await readTrustMaterial(options.stateDir));
      const answer = await renew(options, limiter, who, await readBody(req));
      const { serial, notAfter } = answer as { serial: string; notAfter: string };
      log.info({ event: 'renewed', name, serial, notAfter, superseded: who.superseded, remote }, 'renewed');
      send(res, 200, answer);
    } catch (err) {
      const status = err instanceof HttpFailure ? err.status : 500;
      const reason = err instanceof Error ? err.message : String(err);
      log.warn({ event: 'refused', status, name, remote, reason }, 'request refused');
      send(res, status, { error: status === 500 ? 'internal error' : reason });
    }
  };
}

/** Starts listening; the trust bundle (rotations) and server certificate (renewals) are re-read periodically. */
export async function startSigner(options: SignerOptions): Promise<RunningSigner> {
  const limiter = new RenewRateLimiter(options.rateLimit);
  let context = await secureContext(options);
  const server: Server = createServer({ ...context, requestCert: true, rejectUnauthorized: true });
  const serve = handler(options, limiter);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => void serve(req, res));
  const refresh = async (): Promise<void> => {
    const next = await secureContext(options).catch(() => context);
    if (next.cert === context.cert && next.key === context.key && next.ca === context.ca) return;
    server.setSecureContext(next);
    context = next;
    options.log?.info({ event: 'context-reloaded' }, 'trust bundle or server certificate reloaded');
  };
  const timer = setInterval(() => void refresh(), options.refreshMs ?? 10_000);
  timer.unref();
  // closeAllConnections() only sees HTTP connections; one still in its TLS handshake would hold close().
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        server.close(() => resolve());
        server.closeAllConnections();
        sockets.forEach((socket) => socket.destroy());
      }),
  };
}
