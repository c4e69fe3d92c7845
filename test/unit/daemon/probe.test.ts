import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:tls';
import type { Server } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgeHealthResponse, probeMtls } from '../../../src/daemon/probe.js';

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
      (socket) => socket.end(`HTTP/1.1 ${status} X\r\nContent-Length: 0\r\n\r\n`),
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
    ca: file('ca.pem'),
    cert: file('client.pem'),
    key: file('client.key'),
    timeoutMs: 2000,
  });

  it('succeeds with a verified handshake and a 200, measuring RTT', async () => {
    status = 200;
    let t = 1000;
    const result = await probeMtls(target(), () => (t += 7));
    expect(result).toEqual({ ok: true, rttMs: 7 });
  });

  it('fails on an unhealthy answer', async () => {
    status = 503;
    expect(await probeMtls(target(), Date.now)).toEqual({ ok: false, reason: 'health check answered 503' });
  });

  it('fails when the server certificate does not carry the expected name', async () => {
    status = 200;
    const result = await probeMtls({ ...target(), serverName: 'other.example.org' }, Date.now);
    expect(result.ok).toBe(false);
    expect(result.reason).toMatch(/altnames|Hostname/i);
  });

  it('fails with a client certificate from another CA', async () => {
    const result = await probeMtls(
      { ...target(), cert: file('rogue.pem'), key: file('rogue.key') },
      Date.now,
    );
    expect(result.ok).toBe(false);
  });
});
