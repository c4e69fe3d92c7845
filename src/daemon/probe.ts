import { connect } from 'node:tls';

export interface ProbeTarget {
  address: string;
  port: number;
  serverName: string;
  healthPath: string;
  ca: string | Buffer;
  cert: string | Buffer;
  key: string | Buffer;
  timeoutMs: number;
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

/**
 * One probe: an mTLS handshake (both sides verified) and a health request over it. RTT is the
 * time to the first answer byte, which covers the path and the local proxy itself.
 */
export function probeMtls(target: ProbeTarget, now: () => number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const started = now();
    let answer = '';
    let settled = false;
    const socket = connect({
      host: target.address,
      port: target.port,
      servername: target.serverName,
      ca: target.ca,
      cert: target.cert,
      key: target.key,
      minVersion: 'TLSv1.3',
      rejectUnauthorized: true,
    });
    const finish = (result: ProbeResult): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(target.timeoutMs, () =>
      finish({ ok: false, reason: `timeout after ${target.timeoutMs} ms` }),
    );
    socket.on('error', (err) => finish({ ok: false, reason: err.message }));
    socket.on('secureConnect', () => {
      socket.write(
        `GET ${target.healthPath} HTTP/1.1\r\nHost: ${target.serverName}\r\nConnection: close\r\n\r\n`,
      );
    });
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      if (!answer.includes('\r\n')) return;
      const verdict = judgeHealthResponse(answer);
      finish(verdict.ok ? { ok: true, rttMs: now() - started } : verdict);
    });
    socket.on('end', () => finish({ ok: false, reason: 'connection closed before an answer' }));
  });
}
