import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateGroupVarsText, validateHostsText } from '../../../src/stack/validate.js';
import { errorOf } from '../../support/error-of.js';

const fixtures = fileURLToPath(new URL('../../fixtures/stack/', import.meta.url));
const read = (name: string): string => readFileSync(`${fixtures}${name}`, 'utf8');

describe('validateGroupVarsText', () => {
  it('accepts a complete configuration', () => {
    expect(() => validateGroupVarsText('all.yml', read('good/all.yml'))).not.toThrow();
  });

  it.each([
    ['no-backend.yml', 'ingress_services[1].backend', 4, 'is required'],
    ['duplicate-domain.yml', 'ingress_services[1].domain', 4, 'duplicate "cloud.example.net"'],
    ['wan-without-address.yml', 'ingress_wans[1].address', 4, 'is required'],
    ['unknown-key.yml', 'ingress_checks.fal', 3, 'unknown key'],
    ['unknown-top.yml', 'ingress_service', 1, 'unknown key'],
    ['bad-port.yml', 'ingress_ports.https', 2, 'from 1 to 65535'],
    ['steering-negative-dwell.yml', 'ingress_steering.dwellMs', 3, 'from 0 to 3600000'],
    ['rolling-batch-words.yml', 'ingress_rolling_batch', 3, 'a count of nodes or a percentage'],
  ])('%s fails with E_CONFIG naming file, line and key', (name, field, line, text) => {
    const err = errorOf(() => validateGroupVarsText(`group_vars/${name}`, read(`broken/${name}`)));
    expect(err.code).toBe('E_CONFIG');
    expect(err.location).toEqual({ file: `group_vars/${name}`, line, field });
    expect(err.message).toContain(text);
  });

  it.each([
    [
      'ingress_wans:\n  - { name: wan1, address: x }\n',
      'ingress_wans[0].address must be an IPv4 or IPv6 address, got "x"',
      { line: 2, field: 'ingress_wans[0].address' },
    ],
    [
      'ingress_checks:\n  fal: 2\n',
      'ingress_checks.fal unknown key (known: inter_ms, fall, rise, timeout_connect_ms, timeout_check_ms)',
      { line: 2, field: 'ingress_checks.fal' },
    ],
    [
      'ingress_dns:\n  server: 10.0.0.53\n',
      'ingress_dns.zone is required',
      { line: 2, field: 'ingress_dns.zone' },
    ],
    ['ingress_servics: []\n', 'ingress_servics unknown key', { line: 1, field: 'ingress_servics' }],
  ])('words its messages as before the shared checker: %j', (text, message, location) => {
    const err = errorOf(() => validateGroupVarsText('all.yml', text));
    expect(err.message).toBe(message);
    expect(err.location).toEqual({ file: 'all.yml', ...location });
  });

  it('reports YAML syntax errors with their line', () => {
    const err = errorOf(() => validateGroupVarsText('x.yml', 'ingress_ports:\n  http: [1,\n'));
    expect(err.code).toBe('E_CONFIG');
    expect(err.location?.file).toBe('x.yml');
    expect(err.location?.line).toBeGreaterThan(1);
  });

  it('accepts an empty file', () => {
    expect(() => validateGroupVarsText('empty.yml', '')).not.toThrow();
  });
});

describe('validateHostsText', () => {
  it('accepts stack host variables and Ansible connection variables', () => {
    expect(() => validateHostsText('hosts.yml', read('good/hosts.yml'))).not.toThrow();
  });

  it('names a misspelt host variable with its path', () => {
    const err = errorOf(() => validateHostsText('hosts.yml', read('broken/hosts-unknown.yml')));
    expect(err.location).toEqual({
      file: 'hosts.yml',
      line: 7,
      field: 'all.children.ingress.hosts.edge-1.ingress_public_address',
    });
  });
});
