import { isIP } from 'node:net';
import { IngressError } from '../errors.js';
import type { LabHost } from './lab.js';
import { mustExec, putFile } from './stack-services.js';

/** One HTTPS request of a load run, as the generator wrote it (one JSON line each). */
export interface LoadSample {
  /** When the request started (ms since the epoch, the lab hosts share the kernel clock). */
  atMs: number;
  node: string;
  /** The address family of the target the request went to. */
  family: AddressFamily;
  ok: boolean;
  durationMs: number;
  status?: number;
  error?: string;
}

export type AddressFamily = 4 | 6;

export interface LoadTarget {
  /** The name reported in samples (e.g. `ingress-1`). */
  node: string;
  /**
   * The IP address the requests connect to; TLS still names the service domain. Its family is
   * in every sample, so one run can load a node over IPv4 and IPv6 and tell them apart.
   */
  address: string;
}

export interface LoadOptions {
  targets: LoadTarget[];
  /** Host name sent as SNI and Host; the answer must come from the service. */
  domain: string;
  /** CA bundle on the load host that the service's certificate must chain to. */
  caFile: string;
  port?: number;
  path?: string;
  ratePerTargetPerS: number;
  /** The run stops by itself after this long; no request starts later. */
  durationMs: number;
  /** Each request gives up after this long, counted as failed. */
  timeoutMs: number;
  /** Body text an answer must contain to count as served by the service. */
  expectBody?: string;
}

/**
 * The generator, run by Node 18 on the load host: a fresh connection per request (so every
 * request goes through server selection again), targets staggered evenly within each tick.
 */
export const LOAD_SCRIPT = `'use strict';
const https = require('node:https');
const fs = require('node:fs');
const cfg = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const ca = fs.readFileSync(cfg.caFile);
const out = fs.openSync(cfg.outFile, 'a');
const endAt = Date.now() + cfg.durationMs;
function request(target) {
  const atMs = Date.now();
  let done = false;
  const finish = (fields) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    const sample = Object.assign({ atMs, node: target.node, family: target.family, durationMs: Date.now() - atMs }, fields);
    fs.writeSync(out, JSON.stringify(sample) + '\\n');
  };
  const req = https.request(
    { host: target.address, family: target.family, port: cfg.port, path: cfg.path, servername: cfg.domain, ca, agent: false,
      headers: { host: cfg.domain, connection: 'close' } },
    (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => finish({ ok: res.statusCode === 200 && body.includes(cfg.expectBody), status: res.statusCode }));
      res.on('error', (e) => finish({ ok: false, status: res.statusCode, error: e.code || e.message }));
    },
  );
  const timer = setTimeout(() => req.destroy(new Error('timeout')), cfg.timeoutMs);
  req.on('error', (e) => finish({ ok: false, error: e.code || e.message }));
  req.end();
}
const periodMs = 1000 / cfg.ratePerTargetPerS;
let stopping = false;
const tick = setInterval(() => {
  if (stopping || Date.now() >= endAt) return clearInterval(tick);
  cfg.targets.forEach((t, i) => setTimeout(() => stopping || request(t), (periodMs * i) / cfg.targets.length));
}, periodMs);
// SIGTERM drains: no new request, the ones in flight still end (each within its timeout).
process.on('SIGTERM', () => {
  stopping = true;
  clearInterval(tick);
});
`;

export interface LoadRun {
  /** The systemd unit the generator runs as on the load host. */
  unit: string;
  outFile: string;
  startedAtMs: number;
  /** Every sample written so far (the run may still be going). */
  samples(): Promise<LoadSample[]>;
  /**
   * Stops starting requests and waits for those in flight to end, so every request started
   * has its sample. Safe after the run ended by itself.
   */
  stop(): Promise<void>;
}

let runs = 0;

/**
 * Starts a bounded request load on a lab host (where the users are), as a transient systemd
 * unit that ends by itself after `durationMs` plus the last request's timeout.
 */
export async function startLoad(
  host: LabHost,
  options: LoadOptions,
  now: () => number = Date.now,
): Promise<LoadRun> {
  if (options.targets.length === 0 || !(options.ratePerTargetPerS > 0))
    throw new IngressError('E_LAB', 'a load run needs at least one target and a positive rate');
  const id = `${process.pid}-${++runs}`;
  const unit = `ingress-load-${id}`;
  const dir = '/var/lib/ingress-load';
  const outFile = `${dir}/${id}.jsonl`;
  const config = {
    ...options,
    targets: targetFamilies(options.targets),
    port: options.port ?? 443,
    path: options.path ?? '/',
    expectBody: options.expectBody ?? '',
    outFile,
  };
  await putFile(host, `${dir}/load.js`, LOAD_SCRIPT);
  await putFile(host, `${dir}/${id}.json`, JSON.stringify(config));
  const maxS = Math.ceil((options.durationMs + options.timeoutMs) / 1000) + 5;
  const startedAtMs = now();
  await mustExec(
    host,
    'starting the load',
    `: > ${outFile} && systemd-run --unit=${unit} --collect -p RuntimeMaxSec=${maxS} /usr/bin/node ${dir}/load.js ${dir}/${id}.json`,
  );
  return {
    unit,
    outFile,
    startedAtMs,
    samples: async () => parseLoadLines(await mustExec(host, 'reading the load samples', `cat ${outFile}`)),
    stop: async () => void (await host.exec(`systemctl stop ${unit} 2>/dev/null; true`)),
  };
}

/** Samples from the generator's output; a torn last line (run still writing) is left out. */
export function parseLoadLines(text: string): LoadSample[] {
  const samples: LoadSample[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      samples.push(JSON.parse(line) as LoadSample);
    } catch {
      // Only the line being written can be partial.
    }
  }
  return samples.sort((a, b) => a.atMs - b.atMs);
}

export function ofFamily(samples: readonly LoadSample[], family: AddressFamily): LoadSample[] {
  return samples.filter((s) => s.family === family);
}

/** The family of each target's address; a name is refused, so every request's family is known. */
export function targetFamilies(targets: readonly LoadTarget[]): (LoadTarget & { family: AddressFamily })[] {
  return targets.map((t) => {
    const family = isIP(t.address);
    if (family !== 4 && family !== 6)
      throw new IngressError(
        'E_LAB',
        `load target ${t.node}: ${JSON.stringify(t.address)} is not an IP address`,
      );
    return { ...t, family };
  });
}

export interface LoadSummary {
  total: number;
  failed: number;
  /** Failures by node, then by error text (or `HTTP <status>`). */
  failures: Record<string, Record<string, number>>;
}

/** Requests started in [fromMs, toMs). */
export function summarizeLoad(samples: readonly LoadSample[], fromMs: number, toMs: number): LoadSummary {
  const inside = samples.filter((s) => s.atMs >= fromMs && s.atMs < toMs);
  const failures: LoadSummary['failures'] = {};
  for (const s of inside.filter((x) => !x.ok)) {
    const why = s.error ?? `HTTP ${s.status ?? '?'}`;
    const byNode = (failures[s.node] ??= {});
    byNode[why] = (byNode[why] ?? 0) + 1;
  }
  return { total: inside.length, failed: inside.filter((s) => !s.ok).length, failures };
}

/**
 * Time from an event until requests succeed again on every node: for each node, the start of
 * its first success after its last failure in [eventMs, toMs); 0 when nothing failed. null when
 * some node has no success after its last failure (not recovered within the window).
 */
export function recoveryMs(
  samples: readonly LoadSample[],
  nodes: readonly string[],
  eventMs: number,
  toMs: number,
): number | null {
  let worst = 0;
  for (const node of nodes) {
    const mine = samples.filter((s) => s.node === node && s.atMs >= eventMs && s.atMs < toMs);
    const lastFail = mine.reduce((at, s) => (s.ok ? at : s.atMs), -1);
    if (lastFail < 0) continue;
    const back = mine.find((s) => s.ok && s.atMs > lastFail);
    if (!back) return null;
    worst = Math.max(worst, back.atMs - eventMs);
  }
  return worst;
}
