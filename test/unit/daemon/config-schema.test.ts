import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDaemonConfig } from '../../../src/daemon/config.js';
import { parseRenewConfig } from '../../../src/pki/renew-config.js';
import { fixturePath } from './harness.js';
import { errorOf } from '../../support/error-of.js';

const FILE = '/etc/ingress/daemon.yml';
const base = readFileSync(fixturePath('ingress.yml'), 'utf8');
const daemonError = (text: string) => errorOf(() => parseDaemonConfig(text, FILE));
/** The 1-based line of the first line of text that contains needle. */
const lineOf = (text: string, needle: string): number =>
  text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('the daemon config schema', () => {
  it('refuses an unknown top-level key with file, line and field', () => {
    const text = `${base}probes:\n  intervalMs: 500\n`;
    const err = daemonError(text);
    expect(err.code).toBe('E_CONFIG');
    expect(err.location).toEqual({ file: FILE, line: lineOf(text, 'probes:'), field: 'probes' });
    expect(err.message).toMatch(/^probes unknown key \(known: mode, node, paths, probe, /);
  });

  it('refuses a misspelt nested key instead of using the default', () => {
    const text = base.replace('  intervalMs: 1000', '  intervalMS: 1000');
    const err = daemonError(text);
    expect(err.location).toEqual({ file: FILE, line: lineOf(text, 'intervalMS'), field: 'probe.intervalMS' });
    expect(err.message).toMatch(/^probe\.intervalMS unknown key \(known: intervalMs, jitterMs, /);
  });

  it('refuses an unknown key inside a list item', () => {
    const text = base.replace('backend: home, server: wan1', 'backend: home, server: wan1, weight: 2');
    expect(daemonError(text).location).toEqual({ file: FILE, line: 5, field: 'paths[0].weight' });
  });

  it.each([
    ['  rise: 2', '  rise: two', 'probe.rise', 'must be a whole number from 1 to 100, got "two"'],
    ['  ttlS: 60', '  ttlS: 0', 'dns.ttlS', 'must be a whole number from 1 to 86400, got 0'],
    ['  zone: example.org', '  zone: [example.org]', 'dns.zone', 'must be a single value'],
    [
      'addresses: [203.0.113.1]\n  tsig',
      'addresses: [203.0.113.x]\n  tsig',
      'dns.addresses[0]',
      'must be an IPv4 or IPv6 address',
    ],
    [
      '  tsigKeyFile: /etc/ingress/tsig.key',
      '  tsigKeyFile: tsig.key',
      'dns.tsigKeyFile',
      'must be an absolute path',
    ],
  ])('refuses a wrong type: %s -> %s', (from, to, field, message) => {
    const text = base.replace(from, to);
    const err = daemonError(text);
    expect(err.location).toEqual({ file: FILE, line: lineOf(text, to.split('\n')[0] ?? to), field });
    expect(err.message).toContain(`${field} ${message}`);
  });

  it('still treats a key without a value as absent', () => {
    const text = `${base.replace(/certificates:\n.*\n/, '')}steering:\ncertificates:\n`;
    expect(parseDaemonConfig(text, FILE).certificates).toEqual([]);
  });

  it('keeps the rules between fields, naming file, line and field', () => {
    const text = base.replace('  jitterMs: 0', '  jitterMs: 1500');
    expect(daemonError(text).location).toEqual({ file: FILE, line: 10, field: 'probe.jitterMs' });
    expect(daemonError(`${base}quorum: 4\n`).message).toBe(
      'quorum must be at most 3 (the voters: peers, this node, witness)',
    );
  });
});

const RENEW = 'name: ingress-1\nsigner:\n  url: https://10.0.0.2:9443\n';
const renewError = (text: string) => errorOf(() => parseRenewConfig(text, '/etc/ingress/pki-renew.yml'));

describe('the renewal agent config schema', () => {
  it('refuses unknown keys at the top and nested, with file, line and field', () => {
    expect(renewError(`${RENEW}renewfraction: 0.5\n`).location).toEqual({
      file: '/etc/ingress/pki-renew.yml',
      line: 4,
      field: 'renewfraction',
    });
    const nested = renewError(`${RENEW}  servername: lp\n`);
    expect(nested.location).toEqual({
      file: '/etc/ingress/pki-renew.yml',
      line: 4,
      field: 'signer.servername',
    });
    expect(nested.message).toBe('signer.servername unknown key (known: url, serverName)');
  });

  it('refuses a wrong type', () => {
    const err = renewError(`${RENEW}haproxy: { enabled: "no" }\n`);
    expect(err.location).toMatchObject({ line: 4, field: 'haproxy.enabled' });
    expect(err.message).toBe('haproxy.enabled must be true or false (unquoted), got "no"');
    expect(renewError(`${RENEW}renewFraction: 1\n`).message).toBe(
      'renewFraction must be a number above 0 and below 1, got 1',
    );
  });
});
