import { IngressError } from '../errors.js';

export type ServerAdminState = 'ready' | 'drain' | 'maint';

/** Names HAProxy would split or misparse: spaces, newlines, and the payload marker. */
function checkWord(kind: string, value: string): string {
  if (value === '' || /[\s;]/.test(value) || value.includes('<<')) {
    throw new IngressError('E_HAPROXY', `invalid ${kind} for the runtime API: ${JSON.stringify(value)}`);
  }
  return value;
}

function serverRef(backend: string, server: string): string {
  return `${checkWord('backend', backend)}/${checkWord('server', server)}`;
}

export function showServersState(backend?: string): string {
  return backend === undefined ? 'show servers state' : `show servers state ${checkWord('backend', backend)}`;
}

/** Every proxy's rows, or the servers' alone (`-1 4 -1`: any proxy, type 4 = servers, any server). */
export function showStat(only?: 'servers'): string {
  return only === 'servers' ? 'show stat -1 4 -1' : 'show stat';
}

export function setServerState(backend: string, server: string, state: ServerAdminState): string {
  return `set server ${serverRef(backend, server)} state ${state}`;
}

export function setServerWeight(backend: string, server: string, weight: number): string {
  if (!Number.isInteger(weight) || weight < 0 || weight > 256) {
    throw new IngressError('E_HAPROXY', `server weight must be an integer in 0..256 (got ${weight})`);
  }
  return `set server ${serverRef(backend, server)} weight ${weight}`;
}

/**
 * A command with a multi-line payload (HAProxy 2.6 `<<` syntax): the payload ends at the first
 * empty line, so one inside a PEM would cut it short.
 */
function withPayload(command: string, payload: string): string {
  const body = payload.replace(/\r\n/g, '\n').replace(/\n+$/, '');
  if (body === '' || body.split('\n').some((line) => line.trim() === '')) {
    throw new IngressError('E_HAPROXY', 'runtime API payload must be non-empty and contain no blank line');
  }
  return `${command} <<\n${body}\n\n`;
}

/** Stages a new certificate (PEM: chain plus key) for a loaded file; `commit ssl cert` swaps it in. */
export function setSslCert(certFile: string, pem: string): string {
  return withPayload(`set ssl cert ${checkWord('certificate file', certFile)}`, pem);
}

export function commitSslCert(certFile: string): string {
  return `commit ssl cert ${checkWord('certificate file', certFile)}`;
}

export function abortSslCert(certFile: string): string {
  return `abort ssl cert ${checkWord('certificate file', certFile)}`;
}

export function setSslCaFile(caFile: string, pem: string): string {
  return withPayload(`set ssl ca-file ${checkWord('CA file', caFile)}`, pem);
}

export function commitSslCaFile(caFile: string): string {
  return `commit ssl ca-file ${checkWord('CA file', caFile)}`;
}

export function setSslCrlFile(crlFile: string, pem: string): string {
  return withPayload(`set ssl crl-file ${checkWord('CRL file', crlFile)}`, pem);
}

export function commitSslCrlFile(crlFile: string): string {
  return `commit ssl crl-file ${checkWord('CRL file', crlFile)}`;
}

export function abortSslCaFile(caFile: string): string {
  return `abort ssl ca-file ${checkWord('CA file', caFile)}`;
}

export function abortSslCrlFile(crlFile: string): string {
  return `abort ssl crl-file ${checkWord('CRL file', crlFile)}`;
}
