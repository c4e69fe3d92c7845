import { describe, expect, it } from 'vitest';
import { NODE_PKI_PATHS } from '../../../src/pki/node-paths.js';
import { parseRenewConfig } from '../../../src/pki/renew-config.js';
import { renderRenewUnits, renderSignerUnit } from '../../../src/pki/renew-units.js';
import { errorOf } from '../../support/error-of.js';

const configError = (text: string) => errorOf(() => parseRenewConfig(text, FILE));

const FILE = '/etc/ingress/pki-agent.yml';

describe('the renewal agent config', () => {
  it('fills the node defaults', () => {
    const config = parseRenewConfig('name: ingress-1\nsigner:\n  url: https://10.0.0.2:9443\n', FILE);
    expect(config).toEqual({
      name: 'ingress-1',
      signer: { url: 'https://10.0.0.2:9443' },
      paths: NODE_PKI_PATHS,
      haproxy: { adminSocket: '/run/haproxy/admin.sock', unit: 'haproxy' },
      keyType: 'ecdsa-p256',
      renewFraction: 2 / 3,
    });
  });

  it('reads overrides and turns HAProxy handling off', () => {
    const text = [
      'name: lp',
      'signer: { url: "https://[fd00::2]:9443", serverName: local-proxy }',
      'pki: { dir: /srv/pki }',
      'haproxy: { enabled: false }',
      'keyType: rsa-2048',
      'renewFraction: 0.5',
    ].join('\n');
    expect(parseRenewConfig(text, FILE)).toMatchObject({
      signer: { url: 'https://[fd00::2]:9443', serverName: 'local-proxy' },
      paths: { ...NODE_PKI_PATHS, dir: '/srv/pki' },
      haproxy: undefined,
      keyType: 'rsa-2048',
      renewFraction: 0.5,
    });
  });

  it('names the file, line and field of a bad value', () => {
    const err = configError('name: ingress-1\nsigner:\n  url: http://10.0.0.2:9443\n');
    expect(err.code).toBe('E_CONFIG');
    expect(err.location).toEqual({ file: FILE, field: 'signer.url', line: 3 });
    expect(err.message).toBe(
      'signer.url must be an https:// URL without spaces, quotes or credentials, got "http://10.0.0.2:9443"',
    );
    expect(configError('signer:\n  url: https://a:1\n').location).toMatchObject({ field: 'name' });
    expect(configError('name: ../x\nsigner: { url: "https://a:1" }').message).toBe(
      'name must be a certificate name (letters, digits, . _ -), got "../x"',
    );
    expect(configError('name: a\nsigner: { url: "https://a:1" }\nrenewFraction: 1.5\n').location).toEqual({
      file: FILE,
      field: 'renewFraction',
      line: 3,
    });
  });
});

describe('the systemd units', () => {
  it('runs the one-shot agent from a timer, and the signer as a service', () => {
    const [service, timer] = renderRenewUnits({
      ingress: ['/usr/bin/node', '/opt/ingress/ingress.cjs'],
      configFile: '/etc/ingress/pki-agent.yml',
    });
    expect(service?.name).toBe('ingress-pki-renew.service');
    expect(service?.text).toContain(
      'ExecStart=/usr/bin/node /opt/ingress/ingress.cjs pki renew --config /etc/ingress/pki-agent.yml\n',
    );
    expect(service?.text).toContain('Type=oneshot\n');
    expect(service?.text).toContain('TimeoutStopSec=5s\n');
    expect(timer?.text).toContain('OnUnitActiveSec=300s\nRandomizedDelaySec=30s\n');
    const signer = renderSignerUnit({
      ingress: ['/usr/bin/node', '/opt/ingress/ingress.cjs'],
      stateDir: '/var/lib/ingress/pki',
      listen: '10.0.0.2:9443',
    });
    expect(signer.text).toContain(
      'ExecStart=/usr/bin/node /opt/ingress/ingress.cjs pki signer --state-dir /var/lib/ingress/pki --listen 10.0.0.2:9443\n',
    );
    expect(signer.text).toContain('TimeoutStopSec=5s\n');
  });
});
