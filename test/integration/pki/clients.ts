import { request } from 'node:http';
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
}

export type DirectResult =
  { ok: true; body: string; serverSerial: string } | { ok: false; reason: string; serverSerial?: string };

/**
 * Connects to the local proxy's mTLS port as an ingress node would: PROXY v2 header
 * in clear, then TLS, then one HTTP request. ok only when the demo answered.
 */
export function directRequest(options: DirectOptions): Promise<DirectResult> {
  return new Promise((resolve) => {
    let serverSerial: string | undefined;
    let body = '';
    const done = (result: DirectResult): void => {
      clearTimeout(timer);
      resolve(result);
    };
    const timer = setTimeout(() => {
      socket.destroy();
      done({ ok: false, reason: 'timeout' });
    }, 5_000);
    const socket = netConnect(options.port, options.host, () => {
      socket.write(proxyV2Header('198.51.100.7', 40_000, options.host, options.port));
      const tls = tlsConnect({
        socket,
        ca: options.ca,
        servername: options.servername,
        maxVersion: options.maxVersion ?? 'TLSv1.3',
        ...(options.cert && options.key ? { cert: options.cert, key: options.key } : {}),
      });
      tls.on('secureConnect', () => {
        serverSerial = tls.getPeerCertificate().serialNumber;
        tls.write(`GET / HTTP/1.0\r\nHost: ${options.servername}\r\n\r\n`);
      });
      tls.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      const finish = (reason: string): void => {
        const answer = body.split('\r\n\r\n')[1] ?? '';
        if (body.startsWith('HTTP/1.1 200') && answer.startsWith('client=')) {
          done({ ok: true, body: answer, serverSerial: serverSerial ?? '' });
        } else done({ ok: false, reason, ...(serverSerial ? { serverSerial } : {}) });
      };
      tls.on('error', (err: NodeJS.ErrnoException) => finish(err.code ?? err.message));
      tls.on('close', () => finish(body === '' ? 'closed without an answer' : 'unexpected answer'));
    });
    socket.on('error', (err: NodeJS.ErrnoException) => done({ ok: false, reason: err.code ?? err.message }));
  });
}

export interface PlainAnswer {
  status: number;
  body: string;
  /** The address and port this process used: what the local proxy must report. */
  local: string;
}

/** One GET through the ingress node's plain port, on a fresh connection. */
export function plainRequest(host: string, port: number, timeoutMs = 3_000): Promise<PlainAnswer> {
  return new Promise((resolve, reject) => {
    let local = '';
    const req = request({ host, port, path: '/', agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, local }));
    });
    req.on('socket', (socket) =>
      socket.on('connect', () => (local = `${socket.localAddress ?? ''}:${socket.localPort ?? ''}`)),
    );
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
    const one = plainRequest(host, port)
      .then((answer) => {
        if (answer.status !== 200 || !answer.body.startsWith('client=')) throw new Error(answer.body);
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
