import { isIP } from 'node:net';
import { IngressError } from '../errors.js';

/** Where the PKI files live on every node; the runtime API updates them by these exact paths. */
export interface NodePkiPaths {
  dir: string;
  /** Certificate followed by its key, as HAProxy's `crt` wants it (built on the node). */
  combinedPem: string;
  caFile: string;
  crlFile: string;
}

export const NODE_PKI_PATHS: NodePkiPaths = {
  dir: '/etc/ingress/pki',
  combinedPem: '/etc/ingress/pki/node.pem',
  caFile: '/etc/ingress/pki/ca.pem',
  crlFile: '/etc/ingress/pki/crl.pem',
};

export const DEFAULT_ADMIN_SOCKET = '/run/haproxy/admin.sock';
/** The local proxy admits only client certificates whose CN is listed here (one ingress name a line). */
export const DEFAULT_INGRESS_NAMES_FILE = '/etc/ingress/ingress-nodes.lst';

export interface Endpoint {
  address: string;
  port: number;
}

export interface CommonHopInput {
  adminSocket?: string;
  pki?: NodePkiPaths;
  timeouts?: { connectMs?: number; clientMs?: number; serverMs?: number };
}

export interface IngressUpstream extends Endpoint {
  /** HAProxy server name (e.g. wan1, mesh). */
  name: string;
  /** The local proxy's certificate name, checked against its SANs (verifyhost). */
  verifyName: string;
  /** Used only when every non-backup server is down (the mesh path). */
  backup?: boolean;
}

export interface IngressHopInput extends CommonHopInput {
  /** The plain TCP port clients (here: the test process) connect to. */
  listen: Endpoint;
  upstreams: IngressUpstream[];
  /** TLS health checks (with a PROXY header) every this many ms; 0 turns checks off. */
  checkIntervalMs?: number;
}

export interface LocalProxyHopInput extends CommonHopInput {
  /** The mTLS listener ingress nodes reach. */
  listen: Endpoint;
  ingressNamesFile?: string;
  /** Where admitted streams go; PROXY v2 carries the client's address on. */
  forwardTo: Endpoint;
  /** Also render a demo HTTP frontend on forwardTo that answers with the address it sees. */
  demoEcho?: boolean;
}

function fail(field: string, message: string): never {
  throw new IngressError('E_HAPROXY', message, { location: { file: '<haproxy config input>', field } });
}

/** Words go into haproxy.cfg unquoted: nothing that could start a new keyword or line. */
function word(field: string, value: string): string {
  if (!/^[A-Za-z0-9._:/@-]+$/.test(value)) fail(field, `invalid value ${JSON.stringify(value)}`);
  return value;
}

function addressPort(field: string, endpoint: Endpoint): string {
  if (isIP(endpoint.address) === 0) fail(`${field}.address`, `not an IP address: "${endpoint.address}"`);
  if (!Number.isInteger(endpoint.port) || endpoint.port < 1 || endpoint.port > 65_535) {
    fail(`${field}.port`, `invalid port ${endpoint.port}`);
  }
  // HAProxy splits at the last colon, so IPv6 needs its family prefix to be unambiguous.
  const host = isIP(endpoint.address) === 6 ? `ipv6@${endpoint.address}` : endpoint.address;
  return `${host}:${endpoint.port}`;
}

function header(input: CommonHopInput, globalExtra: string[] = []): string[] {
  const socket = word('adminSocket', input.adminSocket ?? DEFAULT_ADMIN_SOCKET);
  const t = input.timeouts ?? {};
  return [
    'global',
    // expose-fd listeners lets a reload hand the sockets over: no refused connection during it.
    `  stats socket ${socket} mode 600 level admin expose-fd listeners`,
    '  stats timeout 30s',
    '  log stdout format raw local0 info',
    ...globalExtra,
    '',
    'defaults',
    '  mode tcp',
    '  log global',
    `  timeout connect ${t.connectMs ?? 3000}ms`,
    `  timeout client ${t.clientMs ?? 30_000}ms`,
    `  timeout server ${t.serverMs ?? 30_000}ms`,
    '',
  ];
}

/** Our certificate, our CA(s) and their CRLs, verification required: the same on both ends. */
function tlsWords(pki: NodePkiPaths): string {
  return (
    `crt ${word('pki.combinedPem', pki.combinedPem)} ca-file ${word('pki.caFile', pki.caFile)}` +
    ` verify required crl-file ${word('pki.crlFile', pki.crlFile)}`
  );
}

/** haproxy.cfg of an ingress node: a TCP relay that opens mTLS to the local proxy, PROXY v2 first. */
export function renderIngressHop(input: IngressHopInput): string {
  const pki = input.pki ?? NODE_PKI_PATHS;
  if (input.upstreams.length === 0) fail('upstreams', 'an ingress node needs at least one upstream');
  const interval = input.checkIntervalMs ?? 2000;
  const check = interval > 0 ? ` check check-send-proxy inter ${interval}ms` : '';
  const servers = input.upstreams.map((up, i) => {
    const field = `upstreams[${i}]`;
    const name = word(`${field}.verifyName`, up.verifyName);
    return (
      `  server ${word(`${field}.name`, up.name)} ${addressPort(field, up)} ssl ${tlsWords(pki)}` +
      // no-ssl-reuse: every connection is a full handshake, so a hot-swapped certificate is
      // presented (and a revoked one refused) from the very next connection.
      ` verifyhost ${name} sni str(${name}) ssl-min-ver TLSv1.3 no-ssl-reuse send-proxy-v2${check}` +
      (up.backup ? ' backup' : '')
    );
  });
  return [
    ...header(input),
    'frontend public_in',
    `  bind ${addressPort('listen', input.listen)}`,
    '  default_backend local_proxy',
    '',
    'backend local_proxy',
    '  option redispatch',
    '  retries 2',
    ...servers,
    '',
  ].join('\n');
}

/** haproxy.cfg of the local proxy: the mTLS listener that admits ingress nodes only. */
export function renderLocalProxyHop(input: LocalProxyHopInput): string {
  const pki = input.pki ?? NODE_PKI_PATHS;
  const names = word('ingressNamesFile', input.ingressNamesFile ?? DEFAULT_INGRESS_NAMES_FILE);
  // No session resumption: a resumed session skips verification, so a revoked or
  // no-longer-listed client could otherwise keep coming back on its old ticket.
  const lines = [
    ...header(input, ['  tune.ssl.cachesize 0']),
    'frontend mtls_in',
    // accept-proxy: the PROXY v2 header arrives in clear, before the TLS handshake.
    `  bind ${addressPort('listen', input.listen)} ssl ${tlsWords(pki)}` +
      ' ssl-min-ver TLSv1.3 no-tls-tickets accept-proxy',
    // Any certificate of our CA verifies; only an ingress node's name may pass.
    `  acl from_ingress ssl_c_s_dn(CN) -f ${names}`,
    '  tcp-request session reject unless from_ingress',
    // Who came in with which certificate: what an operator checks after a renewal.
    '  log-format "%ci:%cp %ft %b/%s %Tt %B %ts cn=%[ssl_c_s_dn(CN)] serial=%[ssl_c_serial,hex]"',
    '  default_backend home',
    '',
    'backend home',
    `  server home ${addressPort('forwardTo', input.forwardTo)} send-proxy-v2`,
    '',
  ];
  if (input.demoEcho) {
    lines.push(
      'frontend demo_echo',
      '  mode http',
      `  bind ${addressPort('forwardTo', input.forwardTo)} accept-proxy`,
      '  http-request return status 200 content-type text/plain lf-string "client=%[src]:%[src_port]\\n"',
      '',
    );
  }
  return lines.join('\n');
}

/** The allow-list file of the local proxy: one ingress name a line. */
export function renderIngressNames(names: readonly string[]): string {
  return names.map((name, i) => `${word(`ingressNames[${i}]`, name)}\n`).join('');
}
