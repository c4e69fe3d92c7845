/**
 * TLS 1.3 mutual-TLS handshakes per second on loopback, ECDSA P-256 vs RSA-2048
 * certificates from the internal CA (same process, fresh connection each time, no
 * session resumption). Run: npx tsx bench/pki-handshake.ts [seconds-per-type]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type Server } from 'node:tls';
import { initCa } from '../src/pki/ca.js';
import type { KeyType } from '../src/pki/crypto.js';
import { issueWithLocalKey } from '../src/pki/issue.js';

const MAX_HANDSHAKES = 2_000;

interface Result {
  keyType: KeyType;
  handshakes: number;
  seconds: number;
  perSecond: number;
}

async function material(keyType: KeyType) {
  const stateDir = await mkdtemp(join(tmpdir(), 'ingress-bench-'));
  await initCa({ stateDir, keyType });
  const server = await issueWithLocalKey({
    stateDir,
    name: 'server',
    sans: ['localhost', '127.0.0.1'],
    keyType,
  });
  const client = await issueWithLocalKey({
    stateDir,
    name: 'client',
    sans: ['client'],
    keyType,
    usage: 'client',
  });
  return { stateDir, ca: server.caBundlePem, server, client };
}

function handshake(port: number, m: Awaited<ReturnType<typeof material>>): Promise<void> {
  return new Promise((resolve, reject) => {
    // Without noDelay, Nagle plus delayed ACKs on loopback dominate the measurement.
    const tcp = netConnect({ host: '127.0.0.1', port, noDelay: true });
    const socket = connect({
      socket: tcp,
      servername: 'localhost',
      ca: m.ca,
      cert: m.client.certPem,
      key: m.client.keyPem,
      minVersion: 'TLSv1.3',
    });
    socket.once('secureConnect', () => {
      socket.end();
      resolve();
    });
    socket.once('error', reject);
  });
}

interface Bench {
  keyType: KeyType;
  port: number;
  m: Awaited<ReturnType<typeof material>>;
  close(): Promise<void>;
}

async function startBench(keyType: KeyType): Promise<Bench> {
  const m = await material(keyType);
  const server: Server = createServer({
    ca: m.ca,
    cert: m.server.certPem,
    key: m.server.keyPem,
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: 'TLSv1.3',
    noDelay: true,
  });
  server.on('secureConnection', (socket) => socket.end());
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  for (let i = 0; i < 20; i++) await handshake(port, m); // warm-up
  const close = async (): Promise<void> => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(m.stateDir, { recursive: true, force: true });
  };
  return { keyType, port, m, close };
}

/** One timed round: as many full mTLS handshakes as fit in the budget. */
async function round(bench: Bench, budgetMs: number): Promise<{ count: number; seconds: number }> {
  const start = process.hrtime.bigint();
  let count = 0;
  while (count < MAX_HANDSHAKES && Number(process.hrtime.bigint() - start) / 1e6 < budgetMs) {
    await handshake(bench.port, bench.m);
    count++;
  }
  return { count, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

/** Rounds alternate between key types so a change in machine load hits both alike. */
async function measureInterleaved(keyTypes: KeyType[], budgetMs: number, rounds = 6): Promise<Result[]> {
  const benches = [];
  for (const keyType of keyTypes) benches.push(await startBench(keyType));
  const totals = benches.map((b) => ({ keyType: b.keyType, handshakes: 0, seconds: 0, perSecond: 0 }));
  try {
    for (let r = 0; r < rounds; r++) {
      for (const [i, bench] of benches.entries()) {
        const { count, seconds } = await round(bench, budgetMs / rounds);
        const total = totals[i] as Result;
        total.handshakes += count;
        total.seconds += seconds;
      }
    }
  } finally {
    for (const bench of benches) await bench.close();
  }
  return totals.map((t) => ({ ...t, perSecond: t.handshakes / t.seconds }));
}

async function main(): Promise<void> {
  const budgetMs = Math.min(Number(process.argv[2] ?? 3) * 1000, 20_000);
  const results = await measureInterleaved(['ecdsa-p256', 'rsa-2048'], budgetMs);
  console.log('mTLS handshakes (TLS 1.3, both sides verify), client and server in one process on loopback');
  console.log('key type     handshakes  seconds  per second');
  for (const r of results) {
    console.log(
      `${r.keyType.padEnd(11)}  ${String(r.handshakes).padStart(10)}  ${r.seconds.toFixed(2).padStart(7)}  ${r.perSecond.toFixed(0).padStart(10)}`,
    );
  }
  const [ecdsa, rsa] = results;
  if (ecdsa && rsa)
    console.log(`ECDSA P-256 / RSA-2048 ratio: ${(ecdsa.perSecond / rsa.perSecond).toFixed(2)}x`);
}

await main();
