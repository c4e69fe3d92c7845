import { execFile, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
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
import { probeMtls } from './probe.js';
import type { TlsMaterial } from './status-tls.js';
import { getJsonMutualTls } from './status-tls.js';

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
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`status ${response.status}`);
    doc = await response.json();
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
  haproxy: Pick<HaproxyRuntime, 'showServersState' | 'setServerState' | 'setServerWeight'>;
  dns: DnsPort;
  metrics: DaemonMetrics;
  logger: Logger;
  now: () => number;
  /** The node's certificate for polling peers over mTLS (from listen.tls). */
  statusTls?: () => Promise<TlsMaterial>;
}

/** The production ports: TLS probes, HAProxy's socket, RFC 2136, nft, HTTP to peers, pino, prom-client. */
export async function createRealPorts(deps: RealPortDeps): Promise<DaemonPorts> {
  const { config, logger } = deps;
  const tls = config.tls;
  const named = (path: string, field: string): Promise<string> => readNamedFile(path, config.file, field);
  const material = tls
    ? {
        ca: await named(tls.caFile, 'tls.caFile'),
        cert: await named(tls.certFile, 'tls.certFile'),
        key: await named(tls.keyFile, 'tls.keyFile'),
      }
    : null;
  return {
    probe: async (address, port, timeoutMs) => {
      if (!tls || !material) return { ok: false, reason: 'no tls section in the config' };
      const serverName = tls.serverName ?? address;
      return probeMtls(
        { address, port, serverName, healthPath: tls.healthPath, timeoutMs, ...material },
        deps.now,
      );
    },
    haproxy: deps.haproxy,
    dns: deps.dns,
    firewall: nftFirewallPort(),
    fetchStatus: (url) => fetchPeerStatus(url, config.probe.timeoutMs, deps.statusTls),
    readCertNotAfterMs,
    metric: (effect) => deps.metrics.apply(effect),
    log: (level, msg, fields) => logger[level](fields, msg),
  };
}
