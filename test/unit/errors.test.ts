import { describe, expect, it } from 'vitest';
import { exitCodeFor, formatError, IngressError } from '../../src/errors.js';

describe('formatError', () => {
  it('puts the location first and each cause that adds something after', () => {
    const io = Object.assign(new Error("EACCES: permission denied, open 'hosts.yml'"), { code: 'EACCES' });
    const err = new IngressError('E_INVENTORY', 'cannot read the inventory', {
      location: { file: 'hosts.yml', line: 3, field: 'all.hosts' },
      cause: io,
    });
    expect(formatError(err)).toBe(
      "hosts.yml:3 (all.hosts): cannot read the inventory\n  caused by: EACCES: permission denied, open 'hosts.yml'",
    );
  });

  it('leaves out a cause the message already quotes', () => {
    const cause = new Error('connect ECONNREFUSED 10.0.0.1:22');
    const err = new IngressError('E_UNREACHABLE', `ssh: ${cause.message}`, { cause });
    expect(formatError(err)).toBe('ssh: connect ECONNREFUSED 10.0.0.1:22');
  });

  it('follows a chain of causes, innermost last', () => {
    const inner = new Error('certificate has expired');
    const middle = new IngressError('E_PKI', 'the signer refused the handshake', { cause: inner });
    const outer = new IngressError('E_PKI', 'renewal failed', { cause: middle });
    expect(formatError(outer).split('\n')).toEqual([
      'renewal failed',
      '  caused by: the signer refused the handshake',
      '  caused by: certificate has expired',
    ]);
  });
});

describe('exitCodeFor', () => {
  it('maps codes through the one table, and anything else to 1', () => {
    expect(exitCodeFor(new IngressError('E_USAGE', 'x'))).toBe(64);
    expect(exitCodeFor(new IngressError('E_CONFIG', 'x'))).toBe(65);
    expect(exitCodeFor(new IngressError('E_UNREACHABLE', 'x'))).toBe(4);
    expect(exitCodeFor(new TypeError('x'))).toBe(1);
  });
});
