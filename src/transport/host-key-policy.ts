import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { IngressError } from '../errors.js';
import {
  checkHostKey,
  entryFingerprint,
  fingerprintSha256,
  keyTypeOf,
  knownHostsLine,
  knownHostsName,
  knownKeyTypes,
  parseKnownHosts,
  type KnownHostEntry,
} from './known-hosts.js';
import type { ConnectionSpec } from './types.js';

/** ssh2's default host key preference, reordered so known key types come first. */
const HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

export interface HostKeyPolicy {
  /** Host key algorithms to offer, known types first. */
  algorithms: string[];
  /** Returns undefined when the key is accepted, else the error to report. */
  verify(blob: Buffer): Promise<IngressError | undefined>;
}

async function readKnownHosts(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw new IngressError('E_HOSTKEY', `cannot read known_hosts file ${file}: ${(err as Error).message}`, {
      cause: err,
      location: { file },
    });
  }
}

function preferredAlgorithms(knownTypes: string[]): string[] {
  const first = knownTypes.flatMap((t) =>
    t === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [t],
  );
  const known = first.filter((a) => HOST_KEY_ALGORITHMS.includes(a));
  return [...new Set([...known, ...HOST_KEY_ALGORITHMS])];
}

function target(spec: ConnectionSpec): string {
  return `${spec.hostName} (${spec.address}:${spec.port})`;
}

function changedError(spec: ConnectionSpec, blob: Buffer, expected: KnownHostEntry[]): IngressError {
  const file = spec.knownHostsFile;
  const lines = expected.map(
    (e) => `  expected:  ${entryFingerprint(e)} (${e.keyType}) from ${file}:${e.line}`,
  );
  const first = expected[0];
  return new IngressError(
    'E_HOSTKEY',
    [
      `host key verification failed for ${target(spec)}: the host key has CHANGED`,
      ...lines,
      `  presented: ${fingerprintSha256(blob)} (${keyTypeOf(blob)})`,
      'Someone could be intercepting the connection, or the host was reinstalled.',
      `If the change is expected, remove the old entry (ssh-keygen -R '${knownHostsName(spec.address, spec.port)}' -f ${file}) and re-run with --accept-new-host-keys.`,
    ].join('\n'),
    { location: { file, line: first?.line } },
  );
}

function unknownError(spec: ConnectionSpec, blob: Buffer): IngressError {
  return new IngressError(
    'E_HOSTKEY',
    `host key for ${target(spec)} is not known: ${fingerprintSha256(blob)} (${keyTypeOf(blob)}) ` +
      `is not in ${spec.knownHostsFile}. Check the fingerprint, then re-run with --accept-new-host-keys to add it.`,
    { location: { file: spec.knownHostsFile } },
  );
}

async function appendKnownHost(file: string, line: string, existing: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
  await appendFile(file, `${separator}${line}\n`, { mode: 0o600 });
}

/** Reads the known_hosts file once per connection and decides on the key the server presents. */
export async function loadHostKeyPolicy(spec: ConnectionSpec): Promise<HostKeyPolicy> {
  const text = await readKnownHosts(spec.knownHostsFile);
  const entries = parseKnownHosts(text);
  const name = knownHostsName(spec.address, spec.port);
  return {
    algorithms: preferredAlgorithms(knownKeyTypes(entries, name)),
    async verify(blob) {
      const verdict = checkHostKey(entries, name, blob);
      switch (verdict.kind) {
        case 'trusted':
          return undefined;
        case 'revoked':
          return new IngressError(
            'E_HOSTKEY',
            `host key ${fingerprintSha256(blob)} of ${target(spec)} is marked @revoked in ${spec.knownHostsFile}:${verdict.line}; refusing to connect`,
            { location: { file: spec.knownHostsFile, line: verdict.line } },
          );
        case 'changed':
          return changedError(spec, blob, verdict.expected);
        case 'unknown':
          if (!spec.acceptNewHostKeys) return unknownError(spec, blob);
          await appendKnownHost(spec.knownHostsFile, knownHostsLine(name, blob), text);
          return undefined;
      }
    },
  };
}
