import { describe, expect, it } from 'vitest';
import * as cmd from '../../../src/haproxy/commands.js';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('runtime API command builders', () => {
  it('builds server commands', () => {
    expect(cmd.setServerState('home', 'wan1', 'drain')).toBe('set server home/wan1 state drain');
    expect(cmd.setServerWeight('home', 'wan1', 17)).toBe('set server home/wan1 weight 17');
    expect(cmd.showServersState()).toBe('show servers state');
    expect(cmd.showServersState('home')).toBe('show servers state home');
    expect(cmd.showStat()).toBe('show stat');
    expect(cmd.showStat('servers')).toBe('show stat -1 4 -1');
  });

  it.each([-1, 257, 1.5])('refuses weight %s', (weight) => {
    expect(() => cmd.setServerWeight('home', 'wan1', weight)).toThrow(/0\.\.256/);
  });

  it.each(['wan 1', 'wan1;shutdown', 'a\nb', ''])(
    'refuses the name %j, which would inject a command',
    (name) => {
      expect(() => cmd.setServerState('home', name, 'ready')).toThrow(/invalid server/);
    },
  );

  it('builds payload commands ending with the blank line HAProxy waits for', () => {
    expect(cmd.setSslCert('/etc/haproxy/node.pem', PEM)).toBe(
      'set ssl cert /etc/haproxy/node.pem <<\n-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n\n',
    );
    expect(cmd.setSslCaFile('/etc/haproxy/ca.pem', PEM)).toMatch(
      /^set ssl ca-file \/etc\/haproxy\/ca\.pem <<\n/,
    );
    expect(cmd.setSslCrlFile('/etc/haproxy/crl.pem', PEM)).toMatch(
      /^set ssl crl-file \/etc\/haproxy\/crl\.pem <<\n/,
    );
    expect(cmd.commitSslCert('/x.pem')).toBe('commit ssl cert /x.pem');
    expect(cmd.commitSslCaFile('/x.pem')).toBe('commit ssl ca-file /x.pem');
    expect(cmd.commitSslCrlFile('/x.pem')).toBe('commit ssl crl-file /x.pem');
    expect(cmd.abortSslCert('/x.pem')).toBe('abort ssl cert /x.pem');
  });

  it('refuses a payload with a blank line, which would end it early', () => {
    expect(() => cmd.setSslCert('/x.pem', `${PEM}\n${PEM}`)).toThrow(/blank line/);
    expect(() => cmd.setSslCert('/x.pem', '')).toThrow(/non-empty/);
  });
});
