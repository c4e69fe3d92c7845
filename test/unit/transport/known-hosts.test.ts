import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  checkHostKey,
  fingerprintSha256,
  hostMatches,
  keyTypeOf,
  knownHostsLine,
  knownHostsName,
  knownKeyTypes,
  parseKnownHosts,
} from '../../../src/transport/known-hosts.js';

const fixtures = new URL('../../fixtures/transport/', import.meta.url);
const read = (name: string): string => readFileSync(new URL(name, fixtures), 'utf8');
const keys = JSON.parse(read('keys.json')) as Record<
  'k1' | 'k2' | 'k3',
  { type: string; base64: string; fingerprint: string }
>;
const blob = (name: 'k1' | 'k2' | 'k3'): Buffer => Buffer.from(keys[name].base64, 'base64');
const plain = parseKnownHosts(read('plain.known_hosts'));
const hashed = parseKnownHosts(read('hashed.known_hosts'));

describe('parseKnownHosts', () => {
  it('keeps host lines with their line numbers and markers, skipping comments, blanks and garbage', () => {
    expect(plain.map((e) => [e.line, e.marker, e.hosts, e.keyType])).toEqual([
      [2, undefined, 'web1.example.com,192.0.2.10', 'ssh-ed25519'],
      [3, undefined, '[192.0.2.10]:2222', 'ssh-ed25519'],
      [4, undefined, '*.lab.test,!evil.lab.test', 'ecdsa-sha2-nistp256'],
      [5, 'revoked', 'old.example.com', 'ssh-ed25519'],
      [6, 'cert-authority', '*.corp.test', 'ssh-ed25519'],
    ]);
  });

  it('skips lines with an unknown marker', () => {
    expect(parseKnownHosts(`@weird host ssh-ed25519 ${keys.k1.base64}\n`)).toEqual([]);
  });
});

describe('host matching', () => {
  it('uses the bracketed form only for ports other than 22', () => {
    expect(knownHostsName('192.0.2.10', 22)).toBe('192.0.2.10');
    expect(knownHostsName('192.0.2.10', 2222)).toBe('[192.0.2.10]:2222');
  });

  it('matches comma lists, wildcards and negations', () => {
    expect(hostMatches('web1.example.com,192.0.2.10', '192.0.2.10')).toBe(true);
    expect(hostMatches('web1.example.com,192.0.2.10', '192.0.2.1')).toBe(false);
    expect(hostMatches('*.lab.test,!evil.lab.test', 'a.lab.test')).toBe(true);
    expect(hostMatches('*.lab.test,!evil.lab.test', 'evil.lab.test')).toBe(false);
    expect(hostMatches('[192.0.2.10]:2222', '[192.0.2.10]:2222')).toBe(true);
    expect(hostMatches('[192.0.2.10]:2222', '192.0.2.10')).toBe(false);
  });

  it('lower-cases a name before hashing, as OpenSSH does', () => {
    expect(hostMatches(hashed[0]!.hosts, 'Hashed.Example.COM')).toBe(true);
    expect(hostMatches(hashed[1]!.hosts, '[HASHED.example.com]:2200')).toBe(true);
    expect(checkHostKey(hashed, 'HASHED.EXAMPLE.COM', blob('k1'))).toEqual({ kind: 'trusted', line: 1 });
    expect(checkHostKey(hashed, 'HASHED.EXAMPLE.COM', blob('k2')).kind).toBe('changed');
    expect(knownHostsName('Edge.Example.NET', 2200)).toBe('[edge.example.net]:2200');
  });

  it('matches entries hashed by ssh-keygen -H, port included', () => {
    expect(hostMatches(hashed[0]!.hosts, 'hashed.example.com')).toBe(true);
    expect(hostMatches(hashed[0]!.hosts, 'other.example.com')).toBe(false);
    expect(hostMatches(hashed[1]!.hosts, '[hashed.example.com]:2200')).toBe(true);
    expect(checkHostKey(hashed, 'hashed.example.com', blob('k1'))).toEqual({ kind: 'trusted', line: 1 });
    expect(checkHostKey(hashed, '[hashed.example.com]:2200', blob('k1')).kind).toBe('changed');
  });
});

describe('checkHostKey', () => {
  it('trusts a recorded key', () => {
    expect(checkHostKey(plain, '192.0.2.10', blob('k1'))).toEqual({ kind: 'trusted', line: 2 });
    expect(checkHostKey(plain, '[192.0.2.10]:2222', blob('k2'))).toEqual({ kind: 'trusted', line: 3 });
  });

  it('calls a host never seen unknown', () => {
    expect(checkHostKey(plain, 'new.example.com', blob('k1'))).toEqual({ kind: 'unknown' });
    expect(checkHostKey(plain, 'evil.lab.test', blob('k3'))).toEqual({ kind: 'unknown' });
  });

  it('reports a different key for a known host as changed, naming the recorded entries', () => {
    const verdict = checkHostKey(plain, 'web1.example.com', blob('k2'));
    expect(verdict.kind).toBe('changed');
    expect(verdict.kind === 'changed' && verdict.expected.map((e) => e.line)).toEqual([2]);
  });

  it('refuses a revoked key for the hosts it is revoked for', () => {
    expect(checkHostKey(plain, 'old.example.com', blob('k2'))).toEqual({ kind: 'revoked', line: 5 });
  });

  it('does not take a @cert-authority key as a host key', () => {
    expect(checkHostKey(plain, 'build.corp.test', blob('k1'))).toEqual({ kind: 'unknown' });
  });

  it('lists the key types known for a host', () => {
    expect(knownKeyTypes(plain, 'x.lab.test')).toEqual(['ecdsa-sha2-nistp256']);
    expect(knownKeyTypes(plain, 'nobody.test')).toEqual([]);
  });
});

describe('key details', () => {
  it('prints fingerprints exactly as ssh-keygen -l does', () => {
    for (const name of ['k1', 'k2', 'k3'] as const) {
      expect(fingerprintSha256(blob(name))).toBe(keys[name].fingerprint);
      expect(keyTypeOf(blob(name))).toBe(keys[name].type);
    }
  });

  it('writes a line that parses back to a trusted entry', () => {
    const line = knownHostsLine('[10.0.0.5]:2022', blob('k3'));
    expect(line).toBe(`[10.0.0.5]:2022 ecdsa-sha2-nistp256 ${keys.k3.base64}`);
    expect(checkHostKey(parseKnownHosts(line), '[10.0.0.5]:2022', blob('k3')).kind).toBe('trusted');
  });
});
