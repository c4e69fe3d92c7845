import { describe, expect, it } from 'vitest';
import { GATHER_SCRIPT, gatherFacts, parseGathered } from '../../../src/facts/gather.js';
import { parseOsRelease, distributionFacts } from '../../../src/facts/os.js';
import { prefixToNetmask } from '../../../src/facts/network.js';
import { ScriptedRemote } from '../modules/fakes.js';
import { fixture } from './fixture.js';

describe('gather facts', () => {
  it('reads the test host (systemd PID 1, IPv4 only) in one exec', async () => {
    const rec = fixture('gather');
    expect(rec.command).toBe(GATHER_SCRIPT);
    const remote = new ScriptedRemote([[/@@ingress:/, rec]]);
    const facts = await gatherFacts(remote);
    expect(remote.commands).toHaveLength(1);
    expect(facts).toMatchObject({
      hostname: 'ingress-rec',
      fqdn: 'ingress-rec',
      nodename: 'ingress-rec',
      distribution: 'Debian',
      distribution_version: '12.15',
      distribution_major_version: '12',
      distribution_release: 'bookworm',
      os_family: 'Debian',
      architecture: 'x86_64',
      system: 'Linux',
      service_mgr: 'systemd',
      interfaces: ['lo', 'eth0'],
      all_ipv4_addresses: ['172.25.0.2'],
      all_ipv6_addresses: [],
      default_ipv6: {},
      date_time: { epoch: '1795498700' },
    });
    expect(facts.eth0).toMatchObject({
      macaddress: '02:42:ac:19:00:02',
      ipv4: { address: '172.25.0.2', prefix: '16', netmask: '255.255.0.0', network: '172.25.0.0' },
    });
    expect(facts.default_ipv4).toMatchObject({
      address: '172.25.0.2',
      interface: 'eth0',
      gateway: '172.25.0.1',
    });
  });

  it('reads IPv6 addresses, scopes and the v6 default route', () => {
    const facts = parseGathered(fixture('gather-ipv6'));
    expect(facts.eth0).toMatchObject({
      ipv6: [
        { address: 'fd00:1ee5::2', prefix: '64', scope: 'global' },
        { address: 'fe80::42:acff:fe1a:2', prefix: '64', scope: 'link' },
      ],
    });
    expect(facts.all_ipv6_addresses).toEqual(['fd00:1ee5::2', 'fe80::42:acff:fe1a:2']);
    expect(facts.default_ipv6).toMatchObject({
      address: 'fd00:1ee5::2',
      interface: 'eth0',
      gateway: 'fd00:1ee5::1',
    });
    // PID 1 is sh in that container, and no systemd runs.
    expect(facts.service_mgr).toBe('sh');
  });

  it('fails when the script did not run', () => {
    expect(() => parseGathered({ stdout: '', stderr: 'sh: not found', rc: 127 })).toThrow(/sh: not found/);
  });

  it('names other distributions by family', () => {
    const ubuntu = parseOsRelease('ID=ubuntu\nVERSION_ID="22.04"\nVERSION_CODENAME=jammy\nID_LIKE=debian\n');
    expect(distributionFacts(ubuntu, 'bookworm/sid')).toMatchObject({
      distribution: 'Ubuntu',
      distribution_version: '22.04',
      distribution_release: 'jammy',
      os_family: 'Debian',
    });
    expect(distributionFacts(parseOsRelease('ID=rocky\nVERSION_ID="9.3"\n'), '').os_family).toBe('RedHat');
  });

  it('netmasks from prefixes', () => {
    expect(prefixToNetmask(24)).toBe('255.255.255.0');
    expect(prefixToNetmask(0)).toBe('0.0.0.0');
    expect(prefixToNetmask(32)).toBe('255.255.255.255');
    expect(prefixToNetmask(20)).toBe('255.255.240.0');
  });
});
