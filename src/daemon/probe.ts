import { createSecureContext, type SecureContext } from 'node:tls';

export interface ProbeMaterial {
  ca: string | Buffer;
  cert: string | Buffer;
  key: string | Buffer;
}

export interface ProbeTarget {
  address: string;
  port: number;
  serverName: string;
  healthPath: string;
  /** Built by probeContext once per read of the files: parsing the key and CA for every probe cost most of its CPU. */
  secureContext: SecureContext;
  timeoutMs: number;
}

/** The client side of every probe: TLS 1.3 only, our CA only, our node certificate. */
export function probeContext(material: ProbeMaterial): SecureContext {
  return createSecureContext({ ...material, minVersion: 'TLSv1.3' });
}

export interface ProbeResult {
  ok: boolean;
  rttMs?: number;
  reason?: string;
}

/** Reads the status line of an HTTP/1.x answer; healthy is 2xx or 3xx. */
export function judgeHealthResponse(head: string): ProbeResult {
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(head);
  if (!match) return { ok: false, reason: 'no HTTP status line in the answer' };
  const code = Number(match[1]);
  return code >= 200 && code < 400 ? { ok: true } : { ok: false, reason: `health check answered ${code}` };
}
