/** The health daemon's configuration, as read from its YAML file (see config.ts for defaults). */

export type DaemonMode = 'ingress' | 'local';

export interface PathConfig {
  name: string;
  kind: 'wan' | 'mesh';
  address: string;
  port: number;
  backend: string;
  server: string;
}

export interface ProbeConfig {
  intervalMs: number;
  jitterMs: number;
  timeoutMs: number;
  rise: number;
  fall: number;
  /** How long a flapping path stays down once damped. */
  holdDownMs: number;
  /** This many state changes inside flapWindowMs damp a path. */
  flapCount: number;
  flapWindowMs: number;
  /** Probes kept for the loss ratio. */
  lossWindow: number;
}

export interface DnsConfig {
  server: string;
  port: number;
  zone: string;
  /** Record names this node publishes its own addresses under. */
  names: string[];
  /** This node's own addresses (A for IPv4, AAAA for IPv6). */
  addresses: string[];
  tsigKeyFile: string;
  ttlS: number;
  /** How often the published records are read back. */
  readIntervalMs: number;
}

export interface PeerConfig {
  name: string;
  statusUrl: string;
  /** The peer's published addresses (ingress mode): removed from the records once a quorum holds it dead. */
  addresses: string[];
}

/** The local proxy's daemon, polled by ingress nodes for its vote; never itself a target. */
export interface WitnessConfig {
  name: string;
  statusUrl: string;
}

export interface FirewallConfig {
  table: string;
  setV4: string;
  setV6: string;
  ingressNames: string[];
  /** Public names: an address leaves the allow-set only once it is gone from these (DNS first, firewall after). */
  publishedNames: string[];
  minTtlS: number;
  maxTtlS: number;
  /** A name resolving to more addresses than this is refused as a whole (the last good set stays). */
  maxAddressesPerName: number;
}

export interface ListenConfig {
  /** Loopback or Yggdrasil (200::/7) addresses only; one server per address. */
  hosts: string[];
  port: number;
  /** Required with a mesh address: peers must show a certificate from the internal CA (and use it to poll). */
  tls?: StatusTlsConfig | undefined;
}

/** The node's certificate and key, and the CA bundle that signed the fleet's. */
export interface StatusTlsConfig {
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** Client side of the probes' mTLS handshake. */
export interface ProbeTlsConfig {
  caFile: string;
  certFile: string;
  keyFile: string;
  /** Name the local proxy's certificate must carry; defaults to the path address. */
  serverName: string | undefined;
  healthPath: string;
}

export interface CertWatchConfig {
  path: string;
  warnDays: number;
}

export interface DaemonConfig {
  file: string;
  mode: DaemonMode;
  node: string;
  paths: PathConfig[];
  probe: ProbeConfig;
  tls: ProbeTlsConfig | undefined;
  dns: DnsConfig;
  peers: PeerConfig[];
  witness: WitnessConfig | undefined;
  /** Votes needed to remove a dead peer; default: a majority of the ingress nodes (this one included) plus the witness. */
  quorum: number;
  peerIntervalMs: number;
  /** Status URL of the local proxy; when set, own addresses are published only once it allows them. */
  localProxyStatusUrl: string | undefined;
  haproxySocket: string;
  haproxyIntervalMs: number;
  firewall: FirewallConfig | undefined;
  listen: ListenConfig;
  certificates: CertWatchConfig[];
  certIntervalMs: number;
}
