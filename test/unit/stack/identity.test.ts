import { describe, expect, it } from 'vitest';
import type { HostEvent, HostStats, RunSink } from '../../../src/runner/output-types.js';
import { identityCapture, IDENTITY_TASK, parseIdentity, PENDING } from '../../../src/stack/identity.js';

const csr = '-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----';
// A pair from a real yggdrasil binary (test/fixtures/stack/yggdrasil-addresses.json).
const key = '8dc5a98f36579057b45bfba6100ce70fdab7922f6cc3261a5faa1299a2a82c5f';
const address = '200:e474:ace1:9350:df50:9748:8b3:dfe6';
const line = JSON.stringify({ ygg_address: address, ygg_public_key: key, csr });

describe('parseIdentity', () => {
  it('reads the Yggdrasil address, public key and the CSR', () => {
    expect(parseIdentity('n1', `${line}\n`)).toEqual({
      yggAddress: address,
      yggPublicKey: key,
      csrPem: csr,
    });
  });

  it('reads a new node that has no keys yet (check mode) as pending', () => {
    expect(parseIdentity('n1', '{"pending":true}\n')).toBe(PENDING);
  });

  it('names the host when the report is unusable', () => {
    expect(() => parseIdentity('n1', 'oops')).toThrow(/n1: the identity report is not JSON/);
    expect(() =>
      parseIdentity('n1', JSON.stringify({ ygg_address: '10.0.0.1', ygg_public_key: key, csr })),
    ).toThrow(/n1: reports a malformed Yggdrasil address/);
    expect(() =>
      parseIdentity('n1', JSON.stringify({ ygg_address: address, ygg_public_key: key, csr: 'x' })),
    ).toThrow(/n1: no CSR/);
    // Outside Yggdrasil's 200::/7, no key, or a key of another form (a template, a newline), is refused.
    expect(() =>
      parseIdentity('n1', JSON.stringify({ ygg_address: 'fd00::1', ygg_public_key: key, csr })),
    ).toThrow(/n1: reports a malformed Yggdrasil address/);
    expect(() => parseIdentity('n1', JSON.stringify({ ygg_address: address, csr }))).toThrow(
      /n1: reports a malformed Yggdrasil public key/,
    );
    for (const bad of [
      "{{ lookup('env','HOME') }}",
      `${key}
`,
      key.toUpperCase(),
      key.slice(1),
    ])
      expect(() =>
        parseIdentity('n1', JSON.stringify({ ygg_address: address, ygg_public_key: bad, csr })),
      ).toThrow(/n1: reports a malformed Yggdrasil public key/);
  });
});

describe('parseIdentity with the node public key', () => {
  const key = '8dc5a98f36579057b45bfba6100ce70fdab7922f6cc3261a5faa1299a2a82c5f';
  const derived = '200:e474:ace1:9350:df50:9748:8b3:dfe6';
  const report = (fields: Record<string, unknown>) => JSON.stringify({ csr, ...fields });

  it('derives the address from the key, and accepts a report that agrees', () => {
    const parsed = (fields: Record<string, unknown>): string => {
      const identity = parseIdentity('n1', report(fields));
      if (identity === PENDING) throw new Error('pending');
      return identity.yggAddress;
    };
    expect(parsed({ ygg_public_key: key })).toBe(derived);
    expect(parsed({ ygg_public_key: key, ygg_address: derived })).toBe(derived);
  });

  it('refuses a node whose reported address disagrees with its key, naming it', () => {
    expect(() =>
      parseIdentity(
        'ingress-1',
        report({ ygg_public_key: key, ygg_address: '200:bab7:1237:6fa5:163f:91a9:f73:4cfd' }),
      ),
    ).toThrow(/ingress-1: reports Yggdrasil address 200:bab7:.*, but its public key gives 200:e474:/);
  });

  it('refuses a malformed key, naming the node', () => {
    expect(() => parseIdentity('ingress-2', report({ ygg_public_key: "{{ lookup('env','X') }}" }))).toThrow(
      /ingress-2: reports a malformed Yggdrasil public key/,
    );
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
