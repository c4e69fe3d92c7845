import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initCa } from '../../../src/pki/ca.js';
import { issueWithLocalKey } from '../../../src/pki/issue.js';
import { testNodeBundle } from '../../support/node-bundle.js';
import { sleep } from '../../../src/time/sleep.js';

/**
 * The node program as systemd runs it: started for real on loopback, then told to stop.
 * Everything it talks to is on 127.0.0.1 (closed ports, or a listener that never answers).
 */
const TSIG_KEY = fileURLToPath(new URL('../../fixtures/dns/bind/update.key', import.meta.url));
const STOP_WITHIN_MS = 2000;

let dir = '';
let bundle = '';
let silent: Server | undefined;
let silentPort = 0;
const sockets = new Set<Socket>();
let accepted = 0;

/** A TCP listener that accepts and never says a word: a signer that hangs. */
async function startSilentListener(): Promise<void> {
  silent = createServer((socket) => {
    sockets.add(socket);
    accepted++;
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent?.listen(0, '127.0.0.1', resolve));
  silentPort = (silent.address() as { port: number }).port;
}

/** A loopback port nobody listens on now (there is a small race; the tests own loopback). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function writeMaterial(): Promise<void> {
  const stateDir = join(dir, 'ca');
  await initCa({ stateDir, keyType: 'ecdsa-p256' });
  const cert = await issueWithLocalKey({ stateDir, name: 'node-1', sans: ['node-1', '127.0.0.1'] });
  await writeFile(join(dir, 'ca.pem'), cert.caBundlePem);
  await writeFile(join(dir, 'node.crt'), cert.certPem);
  await writeFile(join(dir, 'node.key'), cert.keyPem, { mode: 0o600 });
  await writeFile(join(dir, 'node.pem'), `${cert.certPem.trimEnd()}\n${cert.keyPem.trimEnd()}\n`, {
    mode: 0o600,
  });
}

function daemonConfig(listenPort: number): string {
  return [
    'mode: ingress',
    'node: node-1',
    'paths:',
    `  - { name: wan1, kind: wan, address: 127.0.0.1, port: ${silentPort}, backend: home, server: wan1 }`,
    'probe: { intervalMs: 200, timeoutMs: 5000 }',
    `tls: { caFile: ${dir}/ca.pem, certFile: ${dir}/node.crt, keyFile: ${dir}/node.key, serverName: node-1 }`,
    'dns:',
    '  server: 127.0.0.1',
    `  port: ${silentPort}`,
    '  zone: example.test',
    '  names: [www.example.test]',
    '  addresses: [127.0.0.1]',
    `  tsigKeyFile: ${TSIG_KEY}`,
    `haproxy: { socket: ${dir}/absent.sock, intervalMs: 200 }`,
    `listen: { host: 127.0.0.1, port: ${listenPort} }`,
    '',
  ].join('\n');
}

const renewConfig = (): string =>
  [
    'name: node-1',
    `signer: { url: "https://127.0.0.1:${silentPort}", serverName: node-1 }`,
    `pki: { dir: ${dir}, combinedPem: ${dir}/node.pem, caFile: ${dir}/ca.pem, crlFile: ${dir}/crl.pem }`,
    'haproxy: { enabled: false }',
    '',
  ].join('\n');

interface Started {
  child: ChildProcess;
  output: () => string;
}

/** Starts `node BUNDLE ARGS` and waits until its output shows `ready`. */
function start(args: string[], ready: RegExp): Promise<Started> {
  const child = spawn(process.execPath, [bundle, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in 15 s:\n${output}`)), 15_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (!ready.test(output)) return;
      clearTimeout(timer);
      resolve({ child, output: () => output });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`exited ${code} before ready:\n${output}`)));
  });
}

/** Sends the signal and measures how long the process takes to exit, and with what. */
function stopTimed(
  child: ChildProcess,
  signal: NodeJS.Signals,
): Promise<{ ms: number; code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    const sent = performance.now();
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.on('exit', (code, exitSignal) => {
      clearTimeout(kill);
      resolve({ ms: performance.now() - sent, code, signal: exitSignal });
    });
    child.kill(signal);
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ingress-stop-'));
  [bundle] = await Promise.all([
    testNodeBundle(),
    startSilentListener(),
    writeMaterial().then(() => undefined),
  ]);
}, 120_000);

afterAll(async () => {
  sockets.forEach((socket) => socket.destroy());
  await new Promise<void>((resolve) => (silent ? silent.close(() => resolve()) : resolve()));
  await rm(dir, { recursive: true, force: true });
});

describe('the node program stops when told', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('the daemon exits 0 within 2 s of %s', async (signal) => {
    const config = join(dir, `daemon-${signal}.yml`);
    await writeFile(config, daemonConfig(await freePort()));
    const { child } = await start(['daemon', '--config', config], /daemon started/);
    // Let probes and DNS reads get under way, so the stop meets work in flight.
    await sleep(600);
    const stopped = await stopTimed(child, signal);
    expect([stopped.code, stopped.signal]).toEqual([0, null]);
    expect(stopped.ms).toBeLessThan(STOP_WITHIN_MS);
  });

  it('the signer exits 0 within 2 s of SIGTERM, with a client connected', async () => {
    const { child, output } = await start(
      [
        'pki',
        'signer',
        '--state-dir',
        join(dir, 'ca'),
        '--listen',
        `127.0.0.1:${await freePort()}`,
        '--cert',
        join(dir, 'node.crt'),
        '--key',
        join(dir, 'node.key'),
      ],
      /signer listening/,
    );
    const port = Number(/"port":(\d+)/.exec(output())?.[1]);
    const { connect } = await import('node:net');
    const client = connect(port, '127.0.0.1');
    // The signer resets this half-open connection as it stops; that is the point.
    client.on('error', () => undefined);
    await new Promise((resolve) => client.once('connect', resolve));
    // As systemd would: a stop comes some time after start, not in the same millisecond.
    await sleep(300);
    const stopped = await stopTimed(child, 'SIGTERM');
    client.destroy();
    expect([stopped.code, stopped.signal]).toEqual([0, null]);
    expect(stopped.ms).toBeLessThan(STOP_WITHIN_MS);
  });

  it('the renewal agent, waiting on a signer that never answers, exits 0 within 2 s of SIGTERM', async () => {
    const config = join(dir, 'renew.yml');
    await writeFile(config, renewConfig());
    const before = accepted;
    const child = spawn(process.execPath, [bundle, 'pki', 'renew', '--force', '--config', config], {
      stdio: 'ignore',
    });
    // Wait until it has reached the silent signer and hangs there.
    const deadline = Date.now() + 15_000;
    while (accepted === before && Date.now() < deadline) await sleep(50);
    expect(accepted).toBeGreaterThan(before);
    const stopped = await stopTimed(child, 'SIGTERM');
    expect([stopped.code, stopped.signal]).toEqual([0, null]);
    expect(stopped.ms).toBeLessThan(STOP_WITHIN_MS);
  });
});
