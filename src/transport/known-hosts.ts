import { createHash, createHmac } from 'node:crypto';

/** One usable line of an OpenSSH known_hosts file. */
export interface KnownHostEntry {
  /** 1-based line number, so messages can point at it. */
  line: number;
  marker: 'revoked' | 'cert-authority' | undefined;
  /** The host field as written: a comma list of patterns, or one `|1|salt|hash`. */
  hosts: string;
  keyType: string;
  keyBase64: string;
}

export type HostKeyVerdict =
  | { kind: 'trusted'; line: number }
  | { kind: 'unknown' }
  | { kind: 'revoked'; line: number }
  | { kind: 'changed'; expected: KnownHostEntry[] };

/** Parses known_hosts text; comments, blank and malformed lines are skipped as OpenSSH does. */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === undefined || fields[0] === '' || fields[0].startsWith('#')) return;
    let marker: KnownHostEntry['marker'];
    if (fields[0].startsWith('@')) {
      const name = fields.shift();
      if (name === '@revoked') marker = 'revoked';
      else if (name === '@cert-authority') marker = 'cert-authority';
      else return;
    }
    const [hosts, keyType, keyBase64] = fields;
    if (hosts === undefined || keyType === undefined || keyBase64 === undefined) return;
    // A key whose blob does not name its own type is not a key (OpenSSH parses it too).
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(keyBase64)) return;
    if (keyTypeOf(Buffer.from(keyBase64, 'base64')) !== keyType) return;
    entries.push({ line: index + 1, marker, hosts, keyType, keyBase64 });
  });
  return entries;
}

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise, lower-cased as ssh does. */
export function knownHostsName(address: string, port: number): string {
  const host = address.toLowerCase();
  return port === 22 ? host : `[${host}]:${port}`;
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 'i');
}

function hashedMatch(field: string, name: string): boolean {
  const [, kind, salt, hash] = field.split('|');
  if (kind !== '1' || salt === undefined || hash === undefined) return false;
  // OpenSSH hashes the lower-cased name: hashing it as given would call a
  // mixed-case host unknown, and --accept-new-host-keys would trust any key.
  const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(name.toLowerCase()).digest('base64');
  return digest === hash;
}

/** Whether a host field names `name` (hashed entry, or patterns with `*`, `?` and `!` negation). */
export function hostMatches(hosts: string, name: string): boolean {
  if (hosts.startsWith('|')) return hashedMatch(hosts, name);
  let matched = false;
  for (const pattern of hosts.split(',')) {
    const negated = pattern.startsWith('!');
    const glob = negated ? pattern.slice(1) : pattern;
    if (!globToRegExp(glob).test(name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

/** The key algorithm name stored at the start of an SSH public key blob. */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const length = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + length).toString('latin1');
}

/** `SHA256:<base64 without padding>`, the fingerprint OpenSSH prints. */
export function fingerprintSha256(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

export function entryFingerprint(entry: KnownHostEntry): string {
  return fingerprintSha256(Buffer.from(entry.keyBase64, 'base64'));
}

/**
 * Decides on a presented key the way OpenSSH's StrictHostKeyChecking does: a
 * revoked key is refused, a recorded key is trusted, a host recorded with any
 * other key is "changed" (refused), a host never seen is unknown.
 */
export function checkHostKey(entries: KnownHostEntry[], name: string, blob: Buffer): HostKeyVerdict {
  const presented = blob.toString('base64');
  const revoked = entries.find(
    (e) => e.marker === 'revoked' && e.keyBase64 === presented && hostMatches(e.hosts, name),
  );
  if (revoked) return { kind: 'revoked', line: revoked.line };
  const forHost = entries.filter((e) => e.marker === undefined && hostMatches(e.hosts, name));
  const same = forHost.find((e) => e.keyBase64 === presented);
  if (same) return { kind: 'trusted', line: same.line };
  if (forHost.length === 0) return { kind: 'unknown' };
  return { kind: 'changed', expected: forHost };
}

/** Key types recorded for a host, so the client can ask the server for those first (as OpenSSH does). */
export function knownKeyTypes(entries: KnownHostEntry[], name: string): string[] {
  const types = entries
    .filter((e) => e.marker === undefined && hostMatches(e.hosts, name))
    .map((e) => e.keyType);
  return [...new Set(types)];
}

/** The line appended when a new host key is accepted. */
export function knownHostsLine(name: string, blob: Buffer): string {
  return `${name.toLowerCase()} ${keyTypeOf(blob)} ${blob.toString('base64')}`;
}
