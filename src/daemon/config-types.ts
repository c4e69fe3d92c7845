/** The health daemon's configuration, as read from its YAML file (see config.ts for defaults). */

export type DaemonMode = 'ingress' | 'local';

export interface PathConfig {
  name: string;
  kind: 'wan' | 'mesh';
  address: string;
  port: number;
  /** The first backend's server is the one whose HAProxy check verdict is read. */
  backend: string;
  /** Every backend the server is steered in (the https relay, then the http one). */
  backends: string[];
  server: string;
}

export interface ProbeConfig {
  intervalMs: number;
  /** The interval while the node is calm (probe-pace.ts); intervalMs or less turns that off. */
  quietIntervalMs: number;
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

/** Weight steering by path quality (see steering.ts); every threshold is an excess over the best WAN. */
export interface SteeringConfig {
  enabled: boolean;
  /** Probes older than this leave the quality window. */
  windowMs: number;
  /** A path is judged once its window holds this many probes. */
  minSamples: number;
  /** Cost of a lost probe share of 1 (100 %), in ms. */
  lossPenaltyMs: number;
  /** How many times its jitter is added to a path's cost. */
  jitterWeight: number;
  /** This share of the best WAN's latency (mean RTT + jitter part of its cost) is free: RTT noise grows with RTT. */
  tolerancePercent: number;
  /** At this excess cost over the best WAN a path starts losing weight. */
  degradeMs: number;
  /** At this excess a path falls to minWeight. */
  drainMs: number;
  /** Below this excess a lowered path climbs back. */
  recoverMs: number;
  /** A verdict must hold this long before it changes a weight, and a weight holds at least this long. */
  dwellMs: number;
  /** Each step back up adds at most this share of the full weight. */
  restoreStepPercent: number;
  /** The floor of a degraded path that still passes its checks (0 takes it out of rotation). */
  minWeight: number;
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
  steering: SteeringConfig;
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
