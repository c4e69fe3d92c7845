import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateStackConfig } from '../../../src/stack/load.js';
import { validateGroupVarsText, validateHostsText } from '../../../src/stack/validate.js';
import { errorOf, rejectionOf } from '../../support/error-of.js';

const fixtures = fileURLToPath(new URL('../../fixtures/stack/', import.meta.url));
const read = (name: string): string => readFileSync(`${fixtures}${name}`, 'utf8');
const inventories = fileURLToPath(new URL('../../../inventories/', import.meta.url));

describe('hostile values in group_vars', () => {
  it.each([
    ['wan-name-newline.yml', 'ingress_wans[1].name', 4, 'lower-case name'],
    ['acme-email-shell.yml', 'ingress_acme.email', 3, 'must be an email address'],
    ['health-path-directive.yml', 'ingress_services[0].health_path', 4, 'must be a URL path'],
    ['ca-bundle-newline.yml', 'ingress_acme.ca_bundle', 4, 'must be an absolute path'],
    ['acme-directory-http.yml', 'ingress_acme.directory', 2, 'must be an https:// URL'],
  ])('%s is refused naming file, line and key', (name, field, line, text) => {
    const err = errorOf(() => validateGroupVarsText(`group_vars/${name}`, read(`broken/${name}`)));
    expect(err.code).toBe('E_CONFIG');
    expect(err.location).toEqual({ file: `group_vars/${name}`, line, field });
    expect(err.message).toContain(text);
  });
});

describe('hostile values in the inventory', () => {
  it('refuses a host name that is not an identifier, in hosts.yml', () => {
    const err = errorOf(() => validateHostsText('hosts.yml', read('broken/hosts-hostile-name.yml')));
    expect(err.code).toBe('E_CONFIG');
    expect(err.location).toMatchObject({ file: 'hosts.yml', line: 7 });
    expect(err.location?.field).toContain('all.children.ingress.hosts.edge-2');
    expect(err.message).toContain('host name');
  });

  it.each([
    ['host-vars-hostile', 'host-vars-hostile/host_vars/edge-1.json', 3, 'ingress_dns_name', 'DNS name'],
    [
      'group-vars-folder-hostile',
      'group-vars-folder-hostile/group_vars/local_proxy/wans',
      4,
      'ingress_wans[0].bind_address',
      'IPv4 or IPv6',
    ],
    ['ini-hostile', 'ini-hostile', 9, 'local_proxy:vars.ingress_dns_name', 'DNS name'],
    ['ini-hostile-host', 'ini-hostile-host', 2, 'edge-1.ingress_dns_name', 'DNS name'],
    [
      'nested-hostile',
      'nested-hostile/site/hosts.yml',
      7,
      'all.children.ingress.hosts.edge-1.ansible_user',
      'login name',
    ],
  ])('%s is refused naming file, line and key', async (source, file, line, field, text) => {
    const err = await rejectionOf(() => validateStackConfig([`${fixtures}broken/${source}`]));
    expect(err.code).toBe('E_CONFIG');
    expect(err.location).toEqual({ file: `${fixtures}broken/${file}`, line, field });
    expect(err.message).toContain(text);
  });

  it('refuses a hostile host name in an INI inventory', async () => {
    const err = await rejectionOf(() => validateStackConfig([`${fixtures}broken/ini-hostile-name`]));
    expect(err.code).toBe('E_CONFIG');
    expect(err.location).toMatchObject({ file: `${fixtures}broken/ini-hostile-name`, line: 2 });
  });

  it.each(['example', 'lab'])('accepts the shipped %s inventory', async (name) => {
    await expect(validateStackConfig([`${inventories}${name}`])).resolves.toBeUndefined();
  });
});
