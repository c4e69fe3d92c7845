import { describe, expect, it } from 'vitest';
import type { HostEvent, HostStats, RunSink } from '../../../src/runner/output-types.js';
import { identityCapture, IDENTITY_TASK, parseIdentity, PENDING } from '../../../src/stack/identity.js';

const csr = '-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----';
const key = 'a'.repeat(64);
const line = JSON.stringify({
  ygg_address: '200:bab7:1237:6fa5:163f:91a9:f73:4cfd',
  ygg_public_key: key,
  csr,
});

describe('parseIdentity', () => {
  it('reads the Yggdrasil address, public key and the CSR', () => {
    expect(parseIdentity('n1', `${line}\n`)).toEqual({
      yggAddress: '200:bab7:1237:6fa5:163f:91a9:f73:4cfd',
      yggPublicKey: key,
      csrPem: csr,
    });
  });

  it('reads a new node that has no keys yet (check mode) as pending', () => {
    expect(parseIdentity('n1', '{"pending":true}\n')).toBe(PENDING);
  });

  it('names the host when the report is unusable', () => {
    expect(() => parseIdentity('n1', 'oops')).toThrow(/n1: the identity report is not JSON/);
    expect(() => parseIdentity('n1', JSON.stringify({ ygg_address: '10.0.0.1', csr }))).toThrow(
      /n1: no Yggdrasil/,
    );
    expect(() =>
      parseIdentity('n1', JSON.stringify({ ygg_address: '200::1', ygg_public_key: key, csr: 'x' })),
    ).toThrow(/n1: no CSR/);
    // Outside Yggdrasil's 200::/7, or a key of another form (a template, a newline), is refused.
    expect(() =>
      parseIdentity('n1', JSON.stringify({ ygg_address: 'fd00::1', ygg_public_key: key, csr })),
    ).toThrow(/n1: no Yggdrasil address/);
    for (const bad of ["{{ lookup('env','HOME') }}", `${key}\n`, key.toUpperCase(), key.slice(1)])
      expect(() =>
        parseIdentity('n1', JSON.stringify({ ygg_address: '200::1', ygg_public_key: bad, csr })),
      ).toThrow(/n1: no Yggdrasil public key/);
  });
});

describe('identityCapture', () => {
  it('keeps the identity task stdout per host and forwards every event', () => {
    const seen: string[] = [];
    const inner: RunSink = {
      playStart: () => seen.push('play'),
      taskStart: (name) => seen.push(`task ${name}`),
      hostResult: (e) => seen.push(`${e.host} ${e.status}`),
      warning: () => seen.push('warning'),
      recap: (_: ReadonlyMap<string, HostStats>) => seen.push('recap'),
    };
    const { sink, outputs } = identityCapture(inner);
    const event = (host: string, stdout: string): HostEvent => ({ host, status: 'ok', result: { stdout } });
    sink.playStart('p', ['a', 'b']);
    sink.taskStart('Other task', 'task');
    sink.hostResult(event('a', 'not this'));
    sink.taskStart(IDENTITY_TASK, 'task');
    sink.hostResult(event('a', line));
    sink.hostResult({ host: 'b', status: 'failed', result: { stdout: 'x' } });
    sink.recap(new Map());
    expect([...outputs]).toEqual([['a', line]]);
    expect(seen).toEqual([
      'play',
      'task Other task',
      'a ok',
      `task ${IDENTITY_TASK}`,
      'a ok',
      'b failed',
      'recap',
    ]);
  });
});
