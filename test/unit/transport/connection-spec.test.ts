import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { becomeSpecFromVars, connectionSpecFromVars } from '../../../src/transport/connection-spec.js';

const options = { acceptNewHostKeys: false };

describe('connectionSpecFromVars', () => {
  it('defaults like Ansible: ssh, the inventory name as address, port 22, the current user', () => {
    expect(connectionSpecFromVars('web1', {}, options)).toEqual({
      hostName: 'web1',
      connection: 'ssh',
      address: 'web1',
      port: 22,
      user: userInfo().username,
      connectTimeoutMs: 10_000,
      knownHostsFile: join(homedir(), '.ssh', 'known_hosts'),
      acceptNewHostKeys: false,
    });
  });

  it('reads the ansible_* connection variables', () => {
    const spec = connectionSpecFromVars(
      'web1',
      {
        ansible_host: '203.0.113.7',
        ansible_port: '2222',
        ansible_user: 'deploy',
        ansible_ssh_private_key_file: '~/.ssh/ingress',
        ansible_password: 'pw',
        ansible_timeout: 3,
      },
      { knownHostsFile: '/tmp/kh', acceptNewHostKeys: true, connectTimeoutMs: 1_000 },
    );
    expect(spec).toMatchObject({
      address: '203.0.113.7',
      port: 2222,
      user: 'deploy',
      privateKeyFile: join(homedir(), '.ssh/ingress'),
      password: 'pw',
      connectTimeoutMs: 3_000,
      knownHostsFile: '/tmp/kh',
      acceptNewHostKeys: true,
    });
  });

  it('takes ansible_connection=local', () => {
    expect(connectionSpecFromVars('me', { ansible_connection: 'local' }, options).connection).toBe('local');
  });

  it('names the host, the variable and the file when a value is wrong', () => {
    const call = () =>
      connectionSpecFromVars(
        'web1',
        { ansible_port: 'ssh' },
        { ...options, sourceFile: 'inventories/prod/hosts.yml' },
      );
    expect(call).toThrow(/host web1: ansible_port must be a TCP port \(1-65535\), got "ssh"/);
    expect(call).toThrow(
      expect.objectContaining({
        code: 'E_INVENTORY',
        location: { file: 'inventories/prod/hosts.yml', field: 'web1.ansible_port' },
      }),
    );
    expect(() => connectionSpecFromVars('web1', { ansible_connection: 'winrm' }, options)).toThrow(
      /ansible_connection must be ssh or local, got "winrm"/,
    );
    expect(() => connectionSpecFromVars('web1', { ansible_user: ['a'] }, options)).toThrow(
      /ansible_user must be a string/,
    );
  });
});

describe('becomeSpecFromVars', () => {
  it('is off by default and becomes root when on', () => {
    expect(becomeSpecFromVars({})).toEqual({ become: false, user: 'root', method: 'sudo' });
    expect(becomeSpecFromVars({}, { become: true })).toEqual({ become: true, user: 'root', method: 'sudo' });
  });

  it('lets host variables override the play keywords, with Ansible booleans', () => {
    expect(becomeSpecFromVars({ ansible_become: 'no' }, { become: true }).become).toBe(false);
    expect(
      becomeSpecFromVars({ ansible_become: 'yes', ansible_become_user: 'www' }, { becomeUser: 'x' }),
    ).toEqual({
      become: true,
      user: 'www',
      method: 'sudo',
    });
    expect(becomeSpecFromVars({}, { become: true, becomeUser: 'postgres' }).user).toBe('postgres');
  });

  it('refuses methods other than sudo and non-boolean values', () => {
    expect(() => becomeSpecFromVars({ ansible_become_method: 'su' })).toThrow(
      /"su" is not supported \(only sudo\)/,
    );
    expect(() => becomeSpecFromVars({ ansible_become: 'maybe' })).toThrow(/ansible_become must be a boolean/);
  });
});
