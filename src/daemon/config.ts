import { DEFAULT_MAX_ADDRESSES_PER_NAME } from './allow-screen.js';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { IngressError } from '../errors.js';
import { DEFAULT_STATUS_PORT } from '../metrics/status.js';
import { ConfigReader } from '../yaml/config-reader.js';
import { DAEMON_CONFIG_SCHEMA } from './config-schema.js';
import { readSteering } from './config-steering.js';
import type { FieldPath } from '../yaml/config-reader.js';

import type {
  DaemonMode,
  PathConfig,
  ProbeConfig,
  ProbeTlsConfig,
  DnsConfig,
  PeerConfig,
  WitnessConfig,
  FirewallConfig,
  ListenConfig,
  StatusTlsConfig,
  CertWatchConfig,
  DaemonConfig,
} from './config-types.js';

export type * from './config-types.js';

export async function loadDaemonConfig(file: string): Promise<DaemonConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new IngressError('E_CONFIG', `cannot read daemon config: ${String(cause)}`, {
      cause,
      location: { file },
    });
  }
  return parseDaemonConfig(text, file);
}

/** Probes of a calm node (probe-pace.ts): a handshake per path every 10 s. */
export const QUIET_INTERVAL_MS = 10_000;

export function parseDaemonConfig(text: string, file: string): DaemonConfig {
  const r = ConfigReader.parse(text, file, DAEMON_CONFIG_SCHEMA);
  const mode = r.str(['mode']) as DaemonMode;
  const peers = readPeers(r, mode);
  const witness = readWitness(r, mode, peers);
  // Voters: the ingress nodes (peers and this one) plus the witness, which breaks a tie between two.
  const voters = peers.length + 1 + (witness ? 1 : 0);
  const config: DaemonConfig = {
    file,
    mode,
    node: r.str(['node']),
    paths: readPaths(r, mode),
    probe: readProbe(r),
    steering: readSteering(r),
    tls: readTls(r),
    dns: readDns(r),
    peers,
    witness,
    quorum: readQuorum(r, voters),
    peerIntervalMs: r.int(['peerIntervalMs'], 2000),
    localProxyStatusUrl: r.has(['localProxyStatusUrl']) ? r.str(['localProxyStatusUrl']) : undefined,
    haproxySocket: r.str(['haproxy', 'socket'], '/run/haproxy/admin.sock'),
    // HAProxy's failed and slow checks wake quiet probing (probe-pace.ts): read once a second.
    haproxyIntervalMs: r.int(['haproxy', 'intervalMs'], 1000),
    firewall: readFirewall(r, mode),
    listen: readListen(r),
    certificates: readCerts(r),
    certIntervalMs: r.int(['certIntervalMs'], 3_600_000),
  };
  return config;
}

/** The quorum defaults to a majority; more votes than there are voters could never be reached. */
function readQuorum(r: ConfigReader, voters: number): number {
  const quorum = r.int(['quorum'], Math.floor(voters / 2) + 1);
  if (quorum > voters)
    r.fail(['quorum'], `must be at most ${voters} (the voters: peers, this node, witness)`);
  return quorum;
}

function readPaths(r: ConfigReader, mode: DaemonMode): PathConfig[] {
  if (mode === 'ingress' && !r.has(['paths'])) r.fail(['paths'], 'is required in ingress mode');
  // The schema keeps names unique; the first backend's server is the one whose check is read.
  return Array.from({ length: r.count(['paths']) }, (_, i): PathConfig => {
    const at = ['paths', i];
    const backends = r.strList([...at, 'backend']);
    return {
      name: r.str([...at, 'name']),
      kind: r.str([...at, 'kind']) as PathConfig['kind'],
      address: r.str([...at, 'address']),
      port: r.int([...at, 'port']),
      backend: backends[0] ?? '',
      backends,
      server: r.str([...at, 'server']),
    };
  });
}

function readProbe(r: ConfigReader): ProbeConfig {
  const intervalMs = r.int(['probe', 'intervalMs'], 1000);
  const jitterMs = r.int(['probe', 'jitterMs'], Math.floor(intervalMs / 10));
  // More jitter than the interval would let two probes swap places.
  if (jitterMs > intervalMs) r.fail(['probe', 'jitterMs'], `must be at most intervalMs (${intervalMs})`);
  return {
    intervalMs,
    quietIntervalMs: r.int(['probe', 'quietIntervalMs'], Math.max(QUIET_INTERVAL_MS, intervalMs)),
    jitterMs,
    timeoutMs: r.int(['probe', 'timeoutMs'], Math.min(intervalMs, 2000)),
    rise: r.int(['probe', 'rise'], 2),
    fall: r.int(['probe', 'fall'], 3),
    holdDownMs: r.int(['probe', 'holdDownMs'], 30_000),
    flapCount: r.int(['probe', 'flapCount'], 3),
    flapWindowMs: r.int(['probe', 'flapWindowMs'], 10_000),
    lossWindow: r.int(['probe', 'lossWindow'], 20),
  };
}

function readTls(r: ConfigReader): ProbeTlsConfig | undefined {
  if (!r.has(['tls'])) {
    if (r.count(['paths']) > 0) r.fail(['tls'], 'is required when paths are probed');
    return undefined;
  }
  return {
    caFile: r.str(['tls', 'caFile']),
    certFile: r.str(['tls', 'certFile']),
    keyFile: r.str(['tls', 'keyFile']),
    serverName: r.has(['tls', 'serverName']) ? r.str(['tls', 'serverName']) : undefined,
    healthPath: r.str(['tls', 'healthPath'], '/healthz'),
  };
}

function readDns(r: ConfigReader): DnsConfig {
  return {
    server: r.str(['dns', 'server']),
    port: r.int(['dns', 'port'], 53),
    zone: r.str(['dns', 'zone']),
    names: r.strList(['dns', 'names']),
    addresses: r.strList(['dns', 'addresses']),
    tsigKeyFile: r.str(['dns', 'tsigKeyFile']),
    ttlS: r.int(['dns', 'ttlS'], 60),
    readIntervalMs: r.int(['dns', 'readIntervalMs'], 10_000),
  };
}

function readPeers(r: ConfigReader, mode: DaemonMode): PeerConfig[] {
  const node = r.str(['node']);
  // The schema keeps names unique.
  return Array.from({ length: r.count(['peers']) }, (_, i) => {
    const name = r.str(['peers', i, 'name']);
    if (name === node) r.fail(['peers', i, 'name'], `is this node itself ("${node}")`);
    // The local proxy only watches the ingress nodes; it removes no records of theirs.
    if (mode === 'ingress' && !r.has(['peers', i, 'addresses']))
      r.fail(['peers', i, 'addresses'], 'is required in ingress mode');
    return {
      name,
      statusUrl: readStatusUrl(r, ['peers', i, 'statusUrl']),
      addresses: r.strList(['peers', i, 'addresses']),
    };
  });
}

function readWitness(r: ConfigReader, mode: DaemonMode, peers: PeerConfig[]): WitnessConfig | undefined {
  if (!r.has(['witness'])) return undefined;
  if (mode !== 'ingress') r.fail(['witness'], 'is for ingress nodes only (the local proxy is the witness)');
  const name = r.str(['witness', 'name']);
  if (name === r.str(['node']) || peers.some((p) => p.name === name))
    r.fail(['witness', 'name'], `"${name}" is already this node or a peer`);
  return { name, statusUrl: readStatusUrl(r, ['witness', 'statusUrl']) };
}

/** localhost, ::1 or 127.0.0.0/8, by how the host is written. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** A peer on the mesh answers only over mTLS (https://); plain http:// is for loopback. */
function readStatusUrl(r: ConfigReader, path: FieldPath): string {
  const value = r.str(path);
  const url = new URL(value);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname.replace(/^\[|\]$/g, '')))
    r.fail(path, `"${value}" must be an https:// URL (peers answer only over mTLS)`);
  if (url.protocol === 'https:' && !r.has(['listen', 'tls']))
    r.fail(path, 'needs listen.tls (the certificate this node shows its peers)');
  return value;
}

function readFirewall(r: ConfigReader, mode: DaemonMode): FirewallConfig | undefined {
  if (!r.has(['firewall'])) {
    if (mode === 'local') r.fail(['firewall'], 'is required in local mode');
    return undefined;
  }
  const minTtlS = r.int(['firewall', 'minTtlS'], 30);
  const maxTtlS = r.int(['firewall', 'maxTtlS'], 300);
  if (r.has(['firewall', 'maxTtlS']) && maxTtlS < minTtlS)
    r.fail(['firewall', 'maxTtlS'], `must be at least minTtlS (${minTtlS})`);
  return {
    table: r.str(['firewall', 'table'], 'ingress'),
    setV4: r.str(['firewall', 'setV4'], 'ingress_v4'),
    setV6: r.str(['firewall', 'setV6'], 'ingress_v6'),
    ingressNames: r.strList(['firewall', 'ingressNames']),
    publishedNames: r.strList(['firewall', 'publishedNames']),
    minTtlS,
    maxTtlS,
    maxAddressesPerName: r.int(['firewall', 'maxAddressesPerName'], DEFAULT_MAX_ADDRESSES_PER_NAME),
  };
}

/** Status and metrics stay off the public internet: loopback or the Yggdrasil range only. */
export function isPrivateListenHost(host: string): boolean {
  if (isLoopbackHost(host)) return isIP(host) !== 0 || host === 'localhost';
  if (isIP(host) !== 6) return false;
  const first = parseInt(host.split(':')[0] ?? '', 16);
  // Yggdrasil addresses live in 200::/7, i.e. the first group is 0x0200..0x03ff.
  return first >= 0x200 && first <= 0x3ff;
}

/**
 * `listen.host` is one address or a list; `listen.mesh` adds the node's own Yggdrasil address,
 * so peers can poll it while tools that read `host` keep finding loopback.
 */
function readListen(r: ConfigReader): ListenConfig {
  const many = Array.isArray(r.raw(['listen', 'host']));
  const hosts = r.has(['listen', 'host']) ? r.strList(['listen', 'host']) : ['127.0.0.1'];
  const at: FieldPath[] = hosts.map((_, i) => (many ? ['listen', 'host', i] : ['listen', 'host']));
  if (r.has(['listen', 'mesh'])) {
    hosts.push(r.str(['listen', 'mesh']));
    at.push(['listen', 'mesh']);
  }
  hosts.forEach((host, i) => {
    const field = at[i] ?? ['listen'];
    if (!isPrivateListenHost(host))
      r.fail(field, `"${host}" is neither loopback nor a Yggdrasil mesh address`);
    if (hosts.indexOf(host) !== i) r.fail(field, `"${host}" is listed twice`);
  });
  const tls = readListenTls(r);
  const mesh = hosts.findIndex((host) => !isLoopbackHost(host));
  if (mesh >= 0 && !tls)
    r.fail(at[mesh] ?? ['listen'], 'a mesh address needs listen.tls (peers must show a certificate)');
  return { hosts, port: r.int(['listen', 'port'], DEFAULT_STATUS_PORT), tls };
}

function readListenTls(r: ConfigReader): StatusTlsConfig | undefined {
  if (!r.has(['listen', 'tls'])) return undefined;
  return {
    caFile: r.str(['listen', 'tls', 'caFile']),
    certFile: r.str(['listen', 'tls', 'certFile']),
    keyFile: r.str(['listen', 'tls', 'keyFile']),
  };
}

function readCerts(r: ConfigReader): CertWatchConfig[] {
  return Array.from({ length: r.count(['certificates']) }, (_, i) => ({
    path: r.str(['certificates', i, 'path']),
    warnDays: r.int(['certificates', i, 'warnDays'], 14),
  }));
}
