import { request } from 'node:https';
import { IngressError } from '../errors.js';
import type { TrustMaterial } from './node-cert.js';

/** How a node reaches the signer: its URL, the name its certificate must carry, and our identity. */
export interface SignerEndpoint {
  url: string;
  /** Checked against the signer's certificate (and sent as SNI); default: the URL's host. */
  serverName?: string;
  /** The CAs this node trusts (its ca.pem). */
  caPem: string;
  /** The node's current certificate and key: its proof of identity. */
  certPem: string;
  keyPem: string;
  timeoutMs?: number;
}

export interface RenewAnswer extends TrustMaterial {
  certPem: string;
  serial: string;
  notAfter: string;
}

function call(
  endpoint: SignerEndpoint,
  method: 'GET' | 'POST',
  path: string,
  body?: string,
): Promise<unknown> {
  const url = new URL(path, endpoint.url);
  return new Promise((resolve, reject) => {
    const fail = (message: string, cause?: unknown, code: 'E_PKI' | 'E_UNREACHABLE' = 'E_PKI'): void =>
      reject(new IngressError(code, message, cause === undefined ? {} : { cause }));
    const req = request(
      url,
      {
        method,
        agent: false,
        ca: endpoint.caPem,
        cert: endpoint.certPem,
        key: endpoint.keyPem,
        minVersion: 'TLSv1.3',
        ...(endpoint.serverName ? { servername: endpoint.serverName } : {}),
        timeout: endpoint.timeoutMs ?? 15_000,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (err) => fail(`reading the signer's answer failed: ${err.message}`, err));
        res.on('end', () => {
          let parsed: unknown;
          try {
            parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch (cause) {
            return fail(`the signer at ${url.origin} answered ${res.statusCode ?? '?'} without JSON`, cause);
          }
          if (res.statusCode === 200) return resolve(parsed);
          const reason = (parsed as { error?: unknown }).error;
          fail(
            `the signer refused (${res.statusCode ?? '?'}): ${typeof reason === 'string' ? reason : 'no reason'}`,
          );
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (err: NodeJS.ErrnoException) =>
      fail(`cannot reach the signer at ${url.origin}: ${err.code ?? err.message}`, err, 'E_UNREACHABLE'),
    );
    req.end(body);
  });
}

function field(answer: unknown, name: string): string {
  const value = (answer as Record<string, unknown> | null)?.[name];
  if (typeof value !== 'string' || value === '') {
    throw new IngressError('E_PKI', `the signer's answer lacks "${name}"`);
  }
  return value;
}

/** The current CA bundle and CRLs; any valid, unrevoked node may ask. */
export async function fetchTrust(endpoint: SignerEndpoint): Promise<TrustMaterial> {
  const answer = await call(endpoint, 'GET', '/v1/trust');
  return { caBundlePem: field(answer, 'caBundlePem'), crlPem: field(answer, 'crlPem') };
}

/** Sends a CSR; the signer decides the names and the lifetime. */
export async function requestRenewal(endpoint: SignerEndpoint, csrPem: string): Promise<RenewAnswer> {
  const answer = await call(endpoint, 'POST', '/v1/renew', JSON.stringify({ csr: csrPem }));
  return {
    certPem: field(answer, 'certPem'),
    caBundlePem: field(answer, 'caBundlePem'),
    crlPem: field(answer, 'crlPem'),
    serial: field(answer, 'serial'),
    notAfter: field(answer, 'notAfter'),
  };
}
