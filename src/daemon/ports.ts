import { execFile, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { get as httpGet, type ClientRequest } from 'node:http';
import type { SecureContext } from 'node:tls';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import { IngressError } from '../errors.js';
import { parseNftSetJson } from '../firewall/nft-json.js';
import type { HaproxyRuntime } from '../haproxy/runtime.js';
import type { DaemonMetrics } from '../metrics/registry.js';
import { parsePeerStatus } from '../metrics/status.js';
import type { DaemonConfig } from './config.js';
import type { DaemonPorts, DnsPort, FirewallPort } from './interpreter.js';
import { readNamedFile } from './config-files.js';
import { createProbeSession, type ProbeSession } from './probe-session.js';
import type { TlsMaterial, TlsMaterialSource } from './status-tls.js';
import { getJsonMutualTls, readJsonAnswer, sameTlsFiles, tlsMaterialCache } from './status-tls.js';

const run = promisify(execFile);

/** nft reads the script on stdin, so the whole file is one transaction. */
export function nftFirewallPort(nftPath = 'nft'): FirewallPort {
  return {
    apply: (script) =>
      new Promise((resolve, reject) => {
        const child = spawn(nftPath, ['-f', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('error', (cause) => reject(new IngressError('E_FIREWALL', 'cannot run nft', { cause })));
        child.on('close', (code) =>
          code === 0 ? resolve() : reject(new IngressError('E_FIREWALL', `nft -f failed: ${stderr.trim()}`)),
        );
        child.stdin.end(script);
      }),
    read: async (target, set) => {
      const { stdout } = await run(nftPath, ['-j', 'list', 'set', target.family, target.table, set]);
      return parseNftSetJson(stdout).elements;
    },
  };
}

/**
 * GETs a peer's /status over plain HTTP with node:http: fetch() would load undici into the
 * daemon, which costs it megabytes of memory and CPU on every poll.
 */
export function getJson(url: string, timeoutMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const request: ClientRequest = httpGet(url, { timeout: timeoutMs, agent: false }, (response) =>
      readJsonAnswer(request, response, resolve, reject),
    );
    request.on('timeout', () => request.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    request.on('error', reject);
  });
}

/** https:// (a peer on the mesh) goes over mTLS with this node's certificate; http:// is loopback. */
export async function fetchPeerStatus(
  url: string,
  timeoutMs: number,
  material?: () => Promise<TlsMaterial>,
): ReturnType<DaemonPorts['fetchStatus']> {
  let doc: unknown;
  if (url.startsWith('https:')) {
    if (!material) throw new Error('no listen.tls to poll an https:// peer with');
    doc = await getJsonMutualTls(url, await material(), timeoutMs);
  } else {
    doc = await getJson(url, timeoutMs);
  }
  const report = parsePeerStatus(doc);
  if (!report) throw new Error('malformed status document');
  return report;
}

export async function readCertNotAfterMs(path: string): Promise<number> {
  const cert = new X509Certificate(await readFile(path));
  return Date.parse(cert.validTo);
}

export interface RealPortDeps {
  config: DaemonConfig;
  haproxy: Pick<HaproxyRuntime, 'showServersAndChecks' | 'setServerState' | 'setServerWeight'>;
  dns: DnsPort;
  metrics: DaemonMetrics;
  logger: Logger;
  now: () => number;
  /** The node's certificate for polling peers over mTLS (from listen.tls). */
  statusTls?: TlsMaterialSource;
}

/** The production ports: TLS probes, HAProxy's socket, RFC 2136, nft, HTTP to peers, pino, prom-client. */
export async function createRealPorts(deps: RealPortDeps): Promise<DaemonPorts & { close(): void }> {
  const { config, logger } = deps;
  const tls = config.tls;
  const named = (path: string, field: string): Promise<string> => readNamedFile(path, config.file, field);
  if (tls) {
    // Read once up front so a missing file is named with its config field at start-up.
    await Promise.all([
      named(tls.caFile, 'tls.caFile'),
      named(tls.certFile, 'tls.certFile'),
      named(tls.keyFile, 'tls.keyFile'),
    ]);
  }
  // Renewal replaces the node's certificate on disk: probes pick the new one up within a minute.
  // statusTls reads listen.tls; when the probes name the same files, one cache serves both.
  const listenTls = config.listen.tls;
  const shared = tls && listenTls && sameTlsFiles(tls, listenTls) ? deps.statusTls : undefined;
  const probeTls = tls ? (shared ?? tlsMaterialCache(tls, deps.now)) : null;
  const sessions = new Map<string, { session: ProbeSession; context: SecureContext }>();
  return {
    probe: async (address, port, timeoutMs) => {
      if (!tls || !probeTls) return { ok: false, reason: 'no tls section in the config' };
      const { context } = await probeTls();
      const key = `${address} ${port}`;
      let kept = sessions.get(key);
      if (!kept || kept.context !== context) {
        kept?.session.close();
        const serverName = tls.serverName ?? address;
        const target = {
          address,
          port,
          serverName,
          healthPath: tls.healthPath,
          timeoutMs,
          secureContext: context,
        };
        // A new connection per probe: users open new connections, so the probe must see what
        // a lossy link does to a handshake (kept connections hide loss behind retransmits).
        kept = { session: createProbeSession(target, deps.now, 0), context };
        sessions.set(key, kept);
      }
      return kept.session.probe();
    },
    close: () => sessions.forEach((kept) => kept.session.close()),
    haproxy: deps.haproxy,
    dns: deps.dns,
    firewall: nftFirewallPort(),
    fetchStatus: (url) => fetchPeerStatus(url, config.probe.timeoutMs, deps.statusTls),
    readCertNotAfterMs,
    metric: (effect) => deps.metrics.apply(effect),
    log: (level, msg, fields) => logger[level](fields, msg),
  };
}
