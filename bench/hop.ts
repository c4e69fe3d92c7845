// The mTLS hop: HTTPS requests from the client through ingress-1 and the local proxy (HAProxy's
// L4 relay, mTLS between them), against the same two relays joined by plain TCP. Public TLS ends
// at the local proxy in both, so the only difference is the hop's mutual TLS.
import { putFile } from '../src/lab/stack-services.js';
import type { StackLab } from '../src/lab/stack-lab.js';
import { addressOf } from '../src/lab/topology.js';
import { figure, type Figure } from './lib/results.js';
import { percentile } from './lib/stats.js';
import { sleep } from '../src/time/sleep.js';

// Free on both sides (the local proxy runs the renewal signer on 9443).
const PLAIN_PORT = 9543;

/**
 * A closed loop of `concurrency` workers, each sending one request per fresh connection until the
 * time is up; prints every latency in ms, then the count of failures.
 */
const CLOSED_LOOP = `'use strict';
const https = require('node:https');
const fs = require('node:fs');
const [host, port, domain, caFile, seconds, concurrency] = process.argv.slice(2);
const ca = fs.readFileSync(caFile);
const endAt = Date.now() + Number(seconds) * 1000;
const latencies = [];
let failed = 0;
function one() {
  return new Promise((resolve) => {
    const t = process.hrtime.bigint();
    const req = https.request({ host, port: Number(port), path: '/', servername: domain, ca, agent: false,
      headers: { host: domain, connection: 'close' } }, (res) => {
      res.resume();
      res.on('end', () => { if (res.statusCode === 200) latencies.push(Number(process.hrtime.bigint() - t) / 1e6); else failed++; resolve(); });
    });
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    req.on('error', () => { failed++; resolve(); });
    req.end();
  });
}
async function worker() { while (Date.now() < endAt) await one(); }
Promise.all(Array.from({ length: Number(concurrency) }, worker)).then(() => {
  process.stdout.write(JSON.stringify({ seconds: Number(seconds), latencies, failed }));
});
`;

/** A second HAProxy on each side, as a transient unit: the same relay with plain TCP between. */
async function startPlainRelays(stack: StackLab): Promise<void> {
  const proxyWan1 = addressOf(stack.topology, 'proxy', 'wan1');
  const proxyCfg = `global\n    maxconn 4096\ndefaults\n    mode tcp\n    timeout connect 2s\n    timeout client 60s\n    timeout server 60s\nfrontend plain_hop\n    bind ${proxyWan1}:${PLAIN_PORT} accept-proxy\n    default_backend public\nbackend public\n    server public unix@/run/haproxy/public-https.sock send-proxy-v2\n`;
  const ingressCfg = `global\n    maxconn 4096\ndefaults\n    mode tcp\n    timeout connect 2s\n    timeout client 60s\n    timeout server 60s\nfrontend relay_plain\n    bind :${PLAIN_PORT}\n    default_backend to_proxy\nbackend to_proxy\n    server wan1 ${proxyWan1}:${PLAIN_PORT} send-proxy-v2\n`;
  for (const [host, cfg] of [
    ['proxy', proxyCfg],
    ['ingress-1', ingressCfg],
  ] as const) {
    await putFile(stack.hosts[host], '/tmp/bench-plain.cfg', cfg);
    const r = await stack.hosts[host].exec(
      'systemctl stop bench-plain-relay 2>/dev/null; haproxy -c -q -f /tmp/bench-plain.cfg && systemd-run --unit=bench-plain-relay --collect haproxy -Ws -f /tmp/bench-plain.cfg',
    );
    if (r.rc !== 0) throw new Error(`${host}: plain relay: ${r.stderr.trim()}`);
  }
  await sleep(1_000);
}

async function stopPlainRelays(stack: StackLab): Promise<void> {
  for (const host of ['proxy', 'ingress-1'] as const)
    await stack.hosts[host].exec('systemctl stop bench-plain-relay 2>/dev/null; true');
}

interface LoopResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  failed: number;
}

async function closedLoop(
  stack: StackLab,
  port: number,
  seconds: number,
  concurrency: number,
): Promise<LoopResult> {
  const ip = addressOf(stack.topology, 'ingress-1', 'public');
  const r = await stack.hosts.client.exec(
    `node /tmp/bench-loop.js ${ip} ${port} ${stack.topology.serviceDomain} /tmp/pebble-root.pem ${seconds} ${concurrency}`,
  );
  if (r.rc !== 0) throw new Error(`client: load loop: ${r.stderr.trim()}`);
  const out = JSON.parse(r.stdout) as { seconds: number; latencies: number[]; failed: number };
  return {
    rps: out.latencies.length / out.seconds,
    p50Ms: percentile(out.latencies, 50),
    p99Ms: percentile(out.latencies, 99),
    failed: out.failed,
  };
}

export async function benchHop(
  stack: StackLab,
  runs: number,
  log: (line: string) => void,
): Promise<Figure[]> {
  await putFile(stack.hosts.client, '/tmp/bench-loop.js', CLOSED_LOOP);
  await startPlainRelays(stack);
  const seconds = 8;
  const concurrency = 8;
  const ours: LoopResult[] = [];
  const plain: LoopResult[] = [];
  try {
    // Warm-up (sessions, caches, the JIT), and a check that both ways serve at all.
    for (const port of [443, PLAIN_PORT]) {
      const warm = await closedLoop(stack, port, 2, concurrency);
      if (!(warm.rps > 0)) throw new Error(`hop: nothing served through port ${port} of ingress-1`);
    }
    for (let r = 0; r < runs; r++) {
      // Alternating, so a change in the machine's load falls on both alike.
      ours.push(await closedLoop(stack, 443, seconds, concurrency));
      plain.push(await closedLoop(stack, PLAIN_PORT, seconds, concurrency));
      log(
        `hop: run ${r + 1}: mTLS ${ours.at(-1)?.rps.toFixed(0)} req/s, plain ${plain.at(-1)?.rps.toFixed(0)} req/s`,
      );
    }
  } finally {
    await stopPlainRelays(stack);
  }
  const section = 'hop';
  const note = `${concurrency} clients, a new connection per request, ${seconds} s per run; failed: ${ours.reduce((n, x) => n + x.failed, 0)} vs ${plain.reduce((n, x) => n + x.failed, 0)}`;
  const base = 'plain TCP hop';
  return [
    figure(
      {
        section,
        name: 'requests per second through ingress-1 and the local proxy (mTLS hop)',
        unit: 'req/s',
        better: 'higher',
        note,
      },
      ours.map((x) => x.rps),
      { name: base, values: plain.map((x) => x.rps) },
    ),
    figure(
      { section, name: 'p50 latency (mTLS hop)', unit: 'ms', better: 'lower' },
      ours.map((x) => x.p50Ms),
      { name: base, values: plain.map((x) => x.p50Ms) },
    ),
    figure(
      { section, name: 'p99 latency (mTLS hop)', unit: 'ms', better: 'lower' },
      ours.map((x) => x.p99Ms),
      { name: base, values: plain.map((x) => x.p99Ms) },
    ),
  ];
}
