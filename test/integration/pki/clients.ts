import { request as httpsRequest } from 'node:https';
import { connect as netConnect, isIPv4 } from 'node:net';
import { connect as tlsConnect, type SecureVersion } from 'node:tls';

/** A PROXY protocol v2 header (PROXY command, TCP over IPv4) announcing a made-up client. */
export function proxyV2Header(source: string, sourcePort: number, dest: string, destPort: number): Buffer {
  if (!isIPv4(source) || !isIPv4(dest)) throw new Error('IPv4 only in this helper');
  const signature = Buffer.from('0d0a0d0a000d0a515549540a', 'hex');
  const ports = Buffer.alloc(4);
  ports.writeUInt16BE(sourcePort, 0);
  ports.writeUInt16BE(destPort, 2);
  const addr = (ip: string): Buffer => Buffer.from(ip.split('.').map(Number));
  // 0x21: version 2, PROXY; 0x11: AF_INET, STREAM; then 12 bytes of addresses and ports.
  return Buffer.concat([signature, Buffer.from([0x21, 0x11, 0x00, 12]), addr(source), addr(dest), ports]);
}

export interface DirectOptions {
  host: string;
  port: number;
  ca: string;
  servername: string;
  cert?: string;
  key?: string;
  maxVersion?: SecureVersion;
  /** The service asked for inside the hop (its public TLS terminates on the local proxy). */
  service?: string;
}

export type DirectResult =
  { ok: true; client: string; serverSerial: string } | { ok: false; reason: string; serverSerial?: string };

/** The client address the demo service reports (X-Forwarded-For), from a raw HTTP/1.x answer. */
export function demoClient(raw: string): string | undefined {
  if (!/^HTTP\/1\.[01] 200 /.test(raw)) return undefined;
  try {
    const answer = JSON.parse(raw.split('\r\n\r\n')[1] ?? '') as { service?: string; client?: string };
    return answer.service === 'demo' ? answer.client : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Connects to the local proxy's mTLS port as an ingress node would: PROXY v2 header in
 * clear, the mTLS handshake, then the public TLS of the service inside it and one HTTP
 * request. ok only when the demo answered. The public certificate is the stack's
 * self-signed placeholder, so only the outer (mTLS) layer is verified.
 */
export function directRequest(options: DirectOptions): Promise<DirectResult> {
  const service = options.service ?? 'demo.test';
  return new Promise((resolve) => {
    let serverSerial: string | undefined;
    let raw = '';
    const done = (result: DirectResult): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done({ ok: false, reason: 'timeout' }), 5_000);
    const socket = netConnect(options.port, options.host, () => {
      socket.write(proxyV2Header('198.51.100.7', 40_000, options.host, options.port));
      const mtls = tlsConnect({
        socket,
        ca: options.ca,
        servername: options.servername,
        maxVersion: options.maxVersion ?? 'TLSv1.3',
        ...(options.cert && options.key ? { cert: options.cert, key: options.key } : {}),
      });
      const finish = (reason: string): void => {
        const client = demoClient(raw);
        if (client !== undefined) done({ ok: true, client, serverSerial: serverSerial ?? '' });
        else done({ ok: false, reason, ...(serverSerial ? { serverSerial } : {}) });
      };
      mtls.on('secureConnect', () => {
        serverSerial = mtls.getPeerCertificate().serialNumber;
        const inner = tlsConnect({ socket: mtls, servername: service, rejectUnauthorized: false });
        inner.on('secureConnect', () => inner.write(`GET / HTTP/1.0\r\nHost: ${service}\r\n\r\n`));
        inner.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
        inner.on('error', (err: NodeJS.ErrnoException) => finish(err.code ?? err.message));
        inner.on('close', () => finish(raw === '' ? 'closed without an answer' : 'unexpected answer'));
      });
      mtls.on('error', (err: NodeJS.ErrnoException) => finish(err.code ?? err.message));
      mtls.on('close', () => finish(raw === '' ? 'closed without an answer' : 'unexpected answer'));
    });
    socket.on('error', (err: NodeJS.ErrnoException) => done({ ok: false, reason: err.code ?? err.message }));
  });
}

export interface RelayAnswer {
  status: number;
  /** The client address the demo saw (X-Forwarded-For), if it answered. */
  client: string | undefined;
  /** The address this process used: what the demo must report. */
  localAddress: string;
}

/** One HTTPS GET of the service through the ingress node's public port, on a fresh connection. */
export function relayRequest(host: string, port: number, timeoutMs = 3_000): Promise<RelayAnswer> {
  return new Promise((resolve, reject) => {
    let localAddress = '';
    const req = httpsRequest(
      {
        host,
        port,
        path: '/',
        agent: false,
        timeout: timeoutMs,
        servername: 'demo.test',
        headers: { host: 'demo.test' },
        // The stack's self-signed placeholder until certbot ran; not what these tests check.
        rejectUnauthorized: false,
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          resolve({ status, client: demoClient(`HTTP/1.1 ${status} \r\n\r\n${body}`), localAddress });
        });
      },
    );
    req.on('socket', (socket) => socket.on('connect', () => (localAddress = socket.localAddress ?? '')));
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

export interface LoadReport {
  sent: number;
  failed: number;
  errors: string[];
}

/**
 * Sends requests at `perSecond` until stop() is called (and at most maxDurationMs), each
 * on a fresh connection, and counts those that did not come back as the demo's answer.
 */
export function startLoad(
  host: string,
  port: number,
  perSecond = 20,
  maxDurationMs = 120_000,
): { stop(): Promise<LoadReport> } {
  const report: LoadReport = { sent: 0, failed: 0, errors: [] };
  const inFlight = new Set<Promise<void>>();
  const started = Date.now();
  const fire = (): void => {
    if (Date.now() - started > maxDurationMs) return void clearInterval(interval);
    report.sent += 1;
    const one = relayRequest(host, port)
      .then((answer) => {
        if (answer.client === undefined) throw new Error(`status ${answer.status}, not the demo's answer`);
      })
      .catch((err: unknown) => {
        report.failed += 1;
        report.errors.push(`${new Date().toISOString()} ${String(err)}`);
      })
      .finally(() => inFlight.delete(one));
    inFlight.add(one);
  };
  const interval = setInterval(fire, Math.round(1000 / perSecond));
  return {
    async stop() {
      clearInterval(interval);
      await Promise.all([...inFlight]);
      return report;
    },
  };
}
