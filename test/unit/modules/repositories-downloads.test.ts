import { describe, expect, it } from 'vitest';
import { parseDeb822Args, renderSources, sourcesPath } from '../../../src/modules/deb822-repository.js';
import { editSources, parseAptRepositoryArgs, suggestFilename } from '../../../src/modules/apt-repository.js';
import { downloadCommand, parseGetUrlArgs, planGetUrl } from '../../../src/modules/get-url.js';
import { parseServiceFacts, SERVICE_FACTS_COMMAND } from '../../../src/modules/service-facts.js';
import { fixture } from '../facts/fixture.js';

const SUM = 'a'.repeat(64);

describe('get_url planner', () => {
  const args = parseGetUrlArgs({
    url: 'https://example.test/x.tgz',
    dest: '/opt/x.tgz',
    checksum: `sha256:${SUM}`,
  });

  it('downloads when dest is absent or its checksum differs, and not when it matches', () => {
    expect(planGetUrl(args, { exists: false })).toEqual([{ kind: 'download' }]);
    const there = {
      exists: true,
      type: 'file' as const,
      mode: 0o644,
      owner: 'root',
      group: 'root',
      checksum: 'b'.repeat(64),
    };
    expect(planGetUrl(args, there)).toEqual([{ kind: 'download' }]);
    expect(planGetUrl(args, { ...there, checksum: SUM })).toEqual([]);
    const withMode = parseGetUrlArgs({ url: 'https://e.test/x', dest: '/opt/x', mode: '0755' });
    expect(planGetUrl(withMode, { ...there, checksum: SUM })).toEqual([
      { kind: 'mode', from: 0o644, to: 0o755 },
    ]);
  });

  it('checks the sum on the host before the file takes dest', () => {
    expect(downloadCommand(args)).toContain(
      `echo '${SUM}  /opt/x.tgz.ingress-download' | sha256sum -c --quiet -`,
    );
    expect(() => parseGetUrlArgs({ url: 'u', dest: 'd', checksum: 'md5:abc' })).toThrow(
      /checksum: must be sha256/,
    );
  });
});

describe('apt_repository', () => {
  it("names the file after the repository's host and path, as Ansible does", () => {
    const repo =
      'deb [signed-by=/etc/apt/keyrings/nodesource.gpg] https://deb.nodesource.com/node_20.x nodistro main';
    expect(suggestFilename(repo)).toBe('deb_nodesource_com_node_20_x');
    expect(parseAptRepositoryArgs({ repo }).path).toBe(
      '/etc/apt/sources.list.d/deb_nodesource_com_node_20_x.list',
    );
  });

  it('adds the line once and removes it', () => {
    const args = parseAptRepositoryArgs({ repo: 'deb http://deb.example.test/debian  trixie main' });
    const once = editSources('', args);
    expect(once).toBe('deb http://deb.example.test/debian trixie main\n');
    expect(editSources(once, args)).toBe(once);
    expect(editSources(once, { ...args, state: 'absent' })).toBe('');
    expect(() => parseAptRepositoryArgs({ repo: 'ppa:foo/bar' })).toThrow(/Ubuntu only/);
  });
});

describe('service_facts', () => {
  it('reads run state and enablement of every service', () => {
    const recorded = fixture('service-facts');
    expect(recorded.command).toBe(SERVICE_FACTS_COMMAND);
    const services = parseServiceFacts(recorded.stdout);
    expect(services['ssh.service']).toEqual({
      name: 'ssh.service',
      state: 'running',
      status: 'enabled',
      source: 'systemd',
    });
    expect(services['haproxy.service']?.state).toBe('failed');
    expect(services['nftables.service']?.state).toBe('stopped');
    expect(services['systemd-networkd.service']).toMatchObject({ state: 'stopped', status: 'disabled' });
  });
});

describe('deb822_repository', () => {
  it('writes one field a line, pointing Signed-By at the fetched key when it is a URL', () => {
    const args = parseDeb822Args({
      name: 'nodesource',
      uris: 'https://deb.nodesource.com/node_20.x',
      suites: ['nodistro'],
      components: ['main'],
      signed_by: 'https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key',
    });
    expect(sourcesPath(args.name)).toBe('/etc/apt/sources.list.d/nodesource.sources');
    expect(renderSources(args)).toBe(
      'X-Repolib-Name: nodesource\nTypes: deb\nURIs: https://deb.nodesource.com/node_20.x\n' +
        'Suites: nodistro\nComponents: main\nSigned-By: /etc/apt/keyrings/nodesource.asc\n',
    );
    expect(args.keyUrl).toBe('https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key');
  });

  it('folds inline key material and requires uris', () => {
    const args = parseDeb822Args({ name: 'x', uris: 'http://e.test', signed_by: 'KEY\n\nLINE2\n' });
    expect(renderSources(args)).toContain('Signed-By:\n KEY\n .\n LINE2\n');
    expect(() => parseDeb822Args({ name: 'x' })).toThrow(/uris: is required/);
  });
});
