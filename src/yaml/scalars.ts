import ipaddr from 'ipaddr.js';
import type { ScalarShape } from './shape.js';

/**
 * The scalar types of configuration values. Each pattern is a whitelist, so a value
 * that could end a line, a quoted word or a shell command (newline, quote,
 * `;`, `$`, backtick, `#`, whitespace) never matches (`secret` and `text` excepted).
 */

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const IDENT = new RegExp(`^${LABEL}$`);
const DOMAIN =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.?$/i;
const EMAIL_LOCAL = /^[A-Za-z0-9._%+-]{1,64}$/;
const PATH = /^\/[A-Za-z0-9._+@%=,:/-]*$/;
const URL_PATH = /^\/[A-Za-z0-9._~%/+=?:@,-]*$/;
const IFACE = /^[A-Za-z0-9_.*+-]{1,32}$/;
const USER = /^[a-z_][a-z0-9_.-]{0,31}$/;
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,63}$/;
const PEER_SCHEMES = ['tls:', 'tcp:', 'quic:', 'ws:', 'wss:'];
const BOOL_WORDS = new Set(['true', 'false', 'yes', 'no']);
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export function isIdent(text: string): boolean {
  return IDENT.test(text);
}

export function isIpAddress(text: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return false;
  return ipaddr.IPv4.isValidFourPartDecimal(text) || (text.includes(':') && ipaddr.IPv6.isValid(text));
}

function isDomain(text: string): boolean {
  return DOMAIN.test(text) && !isIpAddress(text);
}

function isHostPort(text: string): boolean {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  if (!m) return false;
  const port = Number(m[3]);
  const hostOk = m[1] !== undefined ? m[1].includes(':') && isIpAddress(m[1]) : isHost(m[2] ?? '');
  return hostOk && port >= 1 && port <= 65535;
}

function isHost(text: string): boolean {
  return isIpAddress(text) || DOMAIN.test(text);
}

function isEmail(text: string): boolean {
  const at = text.lastIndexOf('@');
  return at > 0 && EMAIL_LOCAL.test(text.slice(0, at)) && isDomain(text.slice(at + 1));
}

/** A URL with only a scheme, host, port, path and query: no credentials, no fragment. */
function isCleanUrl(text: string, schemes: readonly string[]): boolean {
  if (!URL.canParse(text) || !/^[A-Za-z0-9._~%/+=?:@,[\]-]+$/.test(text)) return false;
  const url = new URL(text);
  if (!schemes.includes(url.protocol) || url.username !== '' || url.password !== '') return false;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return isHost(host) && (url.pathname === '' || URL_PATH.test(url.pathname || '/'));
}

/** Secrets and free text: any text on one line (never written into a shell or a line of a file). */
const ONE_LINE: [(text: string) => boolean, string] = [
  (t) => t !== '' && !CONTROL.test(t),
  'must be one line of text',
];

const TEXT_CHECKS: Partial<Record<ScalarShape['kind'], [(text: string) => boolean, string]>> = {
  ident: [isIdent, 'must be a lower-case name of letters, digits and "-" (at most 63)'],
  ip: [isIpAddress, 'must be an IPv4 or IPv6 address'],
  host: [isHost, 'must be an IP address or a DNS name'],
  hostport: [isHostPort, 'must be HOST:PORT (IPv6 in brackets)'],
  domain: [isDomain, 'must be a DNS name'],
  email: [isEmail, 'must be an email address (letters, digits, ._%+- before the @, a DNS name after it)'],
  'https-url': [
    (t) => isCleanUrl(t, ['https:']),
    'must be an https:// URL without spaces, quotes or credentials',
  ],
  url: [
    (t) => isCleanUrl(t, ['http:', 'https:']),
    'must be an http:// or https:// URL without spaces, quotes or credentials',
  ],
  'peer-uri': [
    (t) => isCleanUrl(t, PEER_SCHEMES),
    'must be a tls://, tcp://, quic://, ws:// or wss:// HOST:PORT URI',
  ],
  path: [(t) => PATH.test(t), 'must be an absolute path of letters, digits and ._+@%=,:/- only'],
  'local-path': [
    (t) => PATH.test(t.replace(/^~(?=\/)/, '')),
    'must be an absolute path or one under ~/, without spaces or quotes',
  ],
  'url-path': [
    (t) => URL_PATH.test(t),
    'must be a URL path starting with "/", without spaces, quotes, ";", "$", "#" or "&"',
  ],
  iface: [(t) => IFACE.test(t), 'must be an interface name or pattern of letters, digits and _.*+-'],
  user: [(t) => USER.test(t), 'must be a login name (lower-case letters, digits, _.-)'],
  name: [(t) => NAME.test(t), 'must be a name of letters, digits and _.:- (at most 64)'],
  secret: ONE_LINE,
  text: ONE_LINE,
  batch: [
    (t) => /^([1-9]\d{0,5}|([1-9]\d?|100)%)$/.test(t),
    'must be a count of nodes or a percentage such as "25%"',
  ],
};

const BATCH_COUNT: ScalarShape = { kind: 'int', min: 1, max: 100_000 };

function intProblem(min: number, max: number | undefined, value: unknown): string | undefined {
  const fits = typeof value === 'number' && Number.isInteger(value) && value >= min;
  if (max === undefined) return fits ? undefined : `must be a whole number of at least ${min}`;
  return fits && value <= max ? undefined : `must be a whole number from ${min} to ${max}`;
}

const BOOL_PROBLEM = 'must be true or false';

/** What is wrong with a scalar for its shape, or undefined when it fits. */
export function scalarProblem(shape: ScalarShape, value: unknown): string | undefined {
  if (shape.kind === 'bool')
    return typeof value === 'boolean' || (typeof value === 'string' && BOOL_WORDS.has(value.toLowerCase()))
      ? undefined
      : BOOL_PROBLEM;
  if (shape.kind === 'yaml-bool')
    return typeof value === 'boolean' ? undefined : `${BOOL_PROBLEM} (unquoted)`;
  if (shape.kind === 'int') return intProblem(shape.min, shape.max, value);
  if (shape.kind === 'number')
    return typeof value === 'number' && value > shape.above && value < shape.below
      ? undefined
      : `must be a number above ${shape.above} and below ${shape.below}`;
  if (shape.kind === 'enum')
    return typeof value === 'string' && shape.values.includes(value)
      ? undefined
      : `must be one of ${shape.values.join(', ')}`;
  // A rolling batch may be a plain count as well as a "N%" text; every other kind is text.
  if (shape.kind === 'batch' && typeof value === 'number') return scalarProblem(BATCH_COUNT, value);
  return textProblem(shape, value);
}

function textProblem(shape: ScalarShape, value: unknown): string | undefined {
  const check = TEXT_CHECKS[shape.kind];
  if (!check) return 'unexpected value';
  const [ok, message] = check;
  return typeof value === 'string' && ok(value) ? undefined : message;
}
