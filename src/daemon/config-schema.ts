import type { Field, Shape } from '../yaml/shape.js';
import { SHAPES, int, listOf, object, opt, req } from '../yaml/shape.js';
import { FULL_WEIGHT } from './config-steering.js';

/**
 * Every key the health daemon's file may hold (playbooks/templates/daemon.yml.j2 writes
 * it), with its type and range: a misspelt key fails at start instead of silently
 * leaving a default in place. The rules between fields stay in config.ts.
 */

const { ident, name, host, ip, domain, path, url, port } = SHAPES;

/** `steering:`, the weights by path quality (group_vars `ingress_steering` passes through). */
export const STEERING_SCHEMA: Shape = object({
  enabled: opt({ kind: 'yaml-bool' }),
  windowMs: opt(int(100, 3_600_000)),
  minSamples: opt(int(1, 10_000)),
  lossPenaltyMs: opt(int(0, 600_000)),
  jitterWeight: opt(int(0, 100)),
  tolerancePercent: opt(int(0, 1000)),
  degradeMs: opt(int(1, 60_000)),
  drainMs: opt(int(1, 600_000)),
  recoverMs: opt(int(0, 60_000)),
  dwellMs: opt(int(0, 3_600_000)),
  restoreStepPercent: opt(int(1, 100)),
  // A floor at the full weight would never lower a path.
  minWeight: opt(int(0, FULL_WEIGHT - 1)),
});

const TLS_FILES: Record<string, Field> = { caFile: req(path), certFile: req(path), keyFile: req(path) };

const PATH: Shape = object({
  name: req(ident),
  kind: req({ kind: 'enum', values: ['wan', 'mesh'] }),
  address: req(host),
  port: req(port),
  // One backend, or every backend the server is relayed in (https, then http).
  backend: req({ kind: 'one-or-list', of: name }),
  server: req(name),
});

const PROBE: Shape = object({
  intervalMs: opt(int(50)),
  jitterMs: opt(int(0)),
  timeoutMs: opt(int(10)),
  rise: opt(int(1, 100)),
  fall: opt(int(1, 100)),
  holdDownMs: opt(int(0)),
  flapCount: opt(int(2, 100)),
  flapWindowMs: opt(int(100)),
  lossWindow: opt(int(1, 1000)),
  quietIntervalMs: opt(int(50)),
});

const DNS: Shape = object({
  server: req(host),
  port: opt(port),
  zone: req(domain),
  names: req(listOf(domain)),
  addresses: opt(listOf(ip)),
  tsigKeyFile: req(path),
  ttlS: opt(int(1, 86_400)),
  readIntervalMs: opt(int(100)),
});

const FIREWALL: Shape = object({
  table: opt(name),
  setV4: opt(name),
  setV6: opt(name),
  ingressNames: req(listOf(domain)),
  publishedNames: opt(listOf(domain)),
  minTtlS: opt(int(1)),
  maxTtlS: opt(int(1)),
  maxAddressesPerName: opt(int(1, 1024)),
});

const LISTEN: Shape = object({
  // Loopback or Yggdrasil addresses only (config.ts); one or a list.
  host: opt({ kind: 'one-or-list', of: host }),
  mesh: opt(ip),
  port: opt(port),
  tls: opt(object(TLS_FILES)),
});

export const DAEMON_CONFIG_SCHEMA: Shape = object({
  mode: req({ kind: 'enum', values: ['ingress', 'local'] }),
  node: req(ident),
  paths: opt(listOf(PATH, 'name')),
  probe: opt(PROBE),
  steering: opt(STEERING_SCHEMA),
  tls: opt(object({ ...TLS_FILES, serverName: opt(host), healthPath: opt({ kind: 'url-path' }) })),
  dns: req(DNS),
  peers: opt(listOf(object({ name: req(ident), statusUrl: req(url), addresses: opt(listOf(ip)) }), 'name')),
  witness: opt(object({ name: req(ident), statusUrl: req(url) })),
  quorum: opt(int(1)),
  peerIntervalMs: opt(int(100)),
  localProxyStatusUrl: opt(url),
  haproxy: opt(object({ socket: opt(path), intervalMs: opt(int(100)) })),
  firewall: opt(FIREWALL),
  listen: opt(LISTEN),
  certificates: opt(listOf(object({ path: req(path), warnDays: opt(int(0, 3650)) }))),
  certIntervalMs: opt(int(1000)),
});
