import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:tls';
import type { Server } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgeHealthResponse, probeContext } from '../../../src/daemon/probe.js';
import { createProbeSession, parseAnswer } from '../../../src/daemon/probe-session.js';

describe('health answer', () => {
  it.each([
    ['HTTP/1.1 200 OK\r\n', true],
    ['HTTP/1.0 204 No Content\r\n', true],
    ['HTTP/1.1 302 Found\r\n', true],
    ['HTTP/1.1 503 Service Unavailable\r\n', false],
    ['SSH-2.0-OpenSSH\r\n', false],
  ])('%j healthy=%s', (head, ok) => {
    expect(judgeHealthResponse(head).ok).toBe(ok);
  });
});

/** A throwaway CA with a server and a client certificate, made with openssl for a loopback mTLS listener. */
function makePki(dir: string): void {
  const sh = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const key = (name: string) =>
    sh(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`]);
  key('ca');
  key('rogue');
  sh(['req', '-x509', '-key', 'rogue.key', '-out', 'rogue.pem', '-subj', '/CN=rogue', '-days', '2']);
  sh(['req', '-x509', '-key', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=test-ca', '-days', '2']);
  for (const [name, ext] of [
    ['server', 'subjectAltName=DNS:home.example.org'],
    ['client', 'extendedKeyUsage=clientAuth'],
  ] as const) {
    key(name);
    sh(['req', '-new', '-key', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
    writeFileSync(join(dir, `${name}.ext`), `${ext}\n`);
    const ca = ['-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2'];
    sh(['x509', '-req', '-in', `${name}.csr`, ...ca, '-out', `${name}.pem`, '-extfile', `${name}.ext`]);
  }
}

describe('mTLS probe against a loopback listener', () => {
  let dir: string;
  let server: Server;
  let port: number;
  let status = 200;
  /** The server ends the connection after each answer, as a server without keep-alive does. */
  let closeEach = false;
  let connections = 0;
  const sockets = new Set<Socket>();
  const file = (name: string) => readFileSync(join(dir, name));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'probe-'));
    makePki(dir);
    server = createServer(
      {
        key: file('server.key'),
        cert: file('server.pem'),
        ca: file('ca.pem'),
        requestCert: true,
        rejectUnauthorized: true,
      },
      (socket) => {
        connections++;
        let buffer = '';
        socket.on('data', (chunk: Buffer) => {
          buffer += chunk.toString();
          if (!buffer.includes('\r\n\r\n')) return;
          buffer = '';
          const answer = `HTTP/1.1 ${status} X\r\nContent-Length: 2\r\n\r\nok`;
          if (closeEach) socket.end(answer);
          else socket.write(answer);
        });
      },
    );
    server.on('connection', (socket: Socket) => sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    sockets.forEach((socket) => socket.destroy());
    await new Promise((resolve) => server?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const target = () => ({
    address: '127.0.0.1',
    port,
    serverName: 'home.example.org',
    healthPath: '/healthz',
    secureContext: probeContext({ ca: file('ca.pem'), cert: file('client.pem'), key: file('client.key') }),
    timeoutMs: 2000,
  });

  /** One probe on a session of its own, closed after. */
  const probeOnce = async (t: ReturnType<typeof target>, now: () => number = Date.now) => {
    const session = createProbeSession(t, now);
    try {
      return await session.probe();
    } finally {
      session.close();
    }
  };

  it('succeeds with a verified handshake and a 200, timing connect, handshake and request', async () => {
    status = 200;
    let t = 1000;
    // Each clock reading is 7 ms later: start, connect deadline, connected, request sent, answer.
    const result = await probeOnce(target(), () => (t += 7));
    expect(result).toEqual({ ok: true, rttMs: 28 });
  });

  it('fails on an unhealthy answer', async () => {
    status = 503;
    expect(await probeOnce(target())).toEqual({ ok: false, reason: 'health check answered 503' });
  });

  it('fails when the server certificate does not carry the expected name', async () => {
    status = 200;
    const result = await probeOnce({ ...target(), serverName: 'other.example.org' });
    expect(result.ok).toBe(false);
    expect(result.reason).toMatch(/altnames|Hostname/i);
  });

  it('keeps one connection for successive probes, and opens a new one when it gets old', async () => {
    status = 200;
    closeEach = false;
    let t = 0;
    const session = createProbeSession(target(), () => t, 30_000);
    try {
      const before = connections;
      for (let i = 0; i < 3; i++) expect((await session.probe()).ok).toBe(true);
      expect(connections - before).toBe(1);
      t = 30_000;
      expect((await session.probe()).ok).toBe(true);
      expect(connections - before).toBe(2);
    } finally {
      session.close();
    }
  });

  it('reconnects when the server closed the kept connection, without reporting a failure', async () => {
    status = 200;
    closeEach = true;
    const session = createProbeSession(target(), Date.now);
    try {
      const before = connections;
      for (let i = 0; i < 3; i++) expect(await session.probe()).toMatchObject({ ok: true });
      expect(connections - before).toBe(3);
    } finally {
      session.close();
      closeEach = false;
    }
  });

  it('fails with a client certificate from another CA', async () => {
    const result = await probeOnce({
      ...target(),
      secureContext: probeContext({ ca: file('ca.pem'), cert: file('rogue.pem'), key: file('rogue.key') }),
    });
    expect(result.ok).toBe(false);
  });
});

describe('health answer framing', () => {
  it('waits for the whole body, then keeps the connection', () => {
    expect(parseAnswer('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\no')).toBeNull();
    expect(parseAnswer('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok')?.answer.reusable).toBe(true);
  });

  it('does not reuse a connection the server closes or frames without a length', () => {
    expect(
      parseAnswer('HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 0\r\n\r\n')?.answer.reusable,
    ).toBe(false);
    expect(parseAnswer('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n')?.answer.reusable).toBe(false);
  });
});
