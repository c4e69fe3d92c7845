import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IngressError } from '../../../src/errors.js';
import { parseExtraVars } from '../../../src/runner/extra-vars.js';
import { freeFormArgs, parseKeyValues, splitArgs } from '../../../src/runner/free-form.js';
import { planBatches } from '../../../src/runner/serial.js';
import { shouldRunTags } from '../../../src/runner/tags.js';

describe('free-form arguments', () => {
  it('splits k=v pairs, keeping quotes and Jinja2 expressions whole', () => {
    expect(splitArgs(`msg="hello world" x={{ a + b }} y='1 2'`)).toEqual([
      `msg="hello world"`,
      'x={{ a + b }}',
      `y='1 2'`,
    ]);
    expect(parseKeyValues(`src=a.conf dest="/etc/my app.conf" mode=0644`)).toEqual({
      src: 'a.conf',
      dest: '/etc/my app.conf',
      mode: '0644',
    });
  });

  it('rejects a token without =', () => {
    expect(() => parseKeyValues('src=a oops')).toThrow(/expected key=value, found 'oops'/);
  });

  it('passes command lines on as _raw_params, lifting only Ansible options', () => {
    expect(freeFormArgs('command', `  echo "a  b" | tr a b `)).toEqual({
      _raw_params: `echo "a  b" | tr a b`,
    });
    expect(freeFormArgs('shell', 'make install chdir=/src creates=/usr/bin/x')).toEqual({
      _raw_params: 'make install',
      chdir: '/src',
      creates: '/usr/bin/x',
    });
    expect(freeFormArgs('command', 'env FOO=bar run')).toEqual({ _raw_params: 'env FOO=bar run' });
  });
});

describe('extra vars', () => {
  it('reads key=value pairs, inline mappings and @files; later ones win', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ingress-ev-'));
    await writeFile(join(dir, 'vars.yml'), 'region: eu\nreplicas: 3\nenabled: yes\n');
    const vars = await parseExtraVars(['region=us name="a b"', '@vars.yml', '{"replicas": 5}'], dir);
    expect(vars).toEqual({ region: 'eu', name: 'a b', replicas: 5, enabled: true });
  });

  it('names the missing file', async () => {
    const err = await parseExtraVars(['@/nonexistent/x.yml']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IngressError);
    expect((err as IngressError).code).toBe('E_USAGE');
    expect((err as IngressError).location?.file).toBe('/nonexistent/x.yml');
  });
});

describe('tag selection (Ansible evaluate_tags)', () => {
  it.each([
    [[], [], [], true],
    [['never'], [], [], false],
    [['never', 'debug'], ['debug'], [], true],
    [['always'], ['other'], [], true],
    [['always'], [], ['always'], false],
    [['web'], ['tagged'], [], true],
    [[], ['tagged'], [], false],
    [[], ['untagged'], [], true],
    [['web'], [], ['all'], false],
    [['always'], [], ['all'], true],
    [['web'], [], ['tagged'], false],
  ] as [string[], string[], string[], boolean][])(
    'task %j --tags %j --skip-tags %j -> %s',
    (task, only, skip, expected) => {
      expect(shouldRunTags(task, only, skip)).toBe(expected);
    },
  );
});

describe('serial batches', () => {
  const hosts = ['a', 'b', 'c', 'd', 'e'];
  it('counts, percentages and lists whose last entry repeats', () => {
    expect(planBatches(hosts, undefined)).toEqual([hosts]);
    expect(planBatches(hosts, [2])).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(planBatches(hosts, ['40%'])).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(planBatches(hosts, [1, '50%'])).toEqual([['a'], ['b', 'c'], ['d', 'e']]);
    expect(planBatches(hosts, ['10%'])).toHaveLength(5);
    expect(planBatches([], [1])).toEqual([]);
  });
});
