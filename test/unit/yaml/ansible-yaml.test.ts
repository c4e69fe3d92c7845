import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigReader } from '../../../src/yaml/config-reader.js';
import { IngressError } from '../../../src/errors.js';
import { parseYamlFile } from '../../../src/inventory/yaml-doc.js';
import { parseExtraVars } from '../../../src/runner/extra-vars.js';
import { parseYaml } from '../../../src/runner/yaml-source.js';
import { loadAnsibleYaml, parseAnsibleYaml } from '../../../src/yaml/ansible-yaml.js';
import { object, opt } from '../../../src/yaml/shape.js';

/** The values PyYAML (and so Ansible) reads from SAMPLE. */
const SAMPLE = '{ short: y, word: yes, flag: on, off_word: No, mode: 0644, plain: 644, text: "0644" }';
const ANSIBLE_READS = {
  short: 'y',
  word: true,
  flag: true,
  off_word: false,
  mode: 420,
  plain: 644,
  text: '0644',
};

/** SAMPLE's keys as a program config would declare them: the check sees what Ansible reads. */
const SAMPLE_SHAPE = object({
  short: opt({ kind: 'text' }),
  word: opt({ kind: 'yaml-bool' }),
  flag: opt({ kind: 'yaml-bool' }),
  off_word: opt({ kind: 'yaml-bool' }),
  mode: opt({ kind: 'int', min: 0 }),
  plain: opt({ kind: 'int', min: 0 }),
  text: opt({ kind: 'text' }),
});

const entryPoints: Array<[string, (text: string) => Promise<unknown>]> = [
  ['a playbook', async (text) => parseYaml(text, 'site.yml').doc.toJS()],
  ['an inventory or vars file', async (text) => parseYamlFile('hosts.yml', text).doc.toJS()],
  ['a program config', async (text) => ConfigReader.parse(text, 'daemon.yml', SAMPLE_SHAPE).raw([])],
  ['-e with an inline mapping', (text) => parseExtraVars([text], '/')],
  [
    '-e @file',
    async (text) => {
      const dir = await mkdtemp(join(tmpdir(), 'ingress-yaml-'));
      await writeFile(join(dir, 'vars.yml'), text);
      return parseExtraVars(['@vars.yml'], dir);
    },
  ],
];

describe("one set of YAML rules: Ansible's", () => {
  it.each(entryPoints)('%s reads booleans and octals as Ansible does', async (_name, read) => {
    expect(await read(SAMPLE)).toEqual(ANSIBLE_READS);
  });

  it('merges with <<', () => {
    expect(loadAnsibleYaml('base: &b { a: 1 }\nfull: { <<: *b, c: 2 }\n', 'x.yml', 'E_CONFIG')).toEqual({
      base: { a: 1 },
      full: { a: 1, c: 2 },
    });
  });

  it("names the file, line and column of a syntax error, with the caller's code", () => {
    let caught: unknown;
    try {
      parseAnsibleYaml('a: 1\nb: [1, 2\n', 'group_vars/all.yml', 'E_INVENTORY');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(IngressError);
    const err = caught as IngressError;
    expect(err.code).toBe('E_INVENTORY');
    expect(err.message).toMatch(/^YAML syntax error: /);
    expect(err.location).toMatchObject({ file: 'group_vars/all.yml', line: 3 });
  });
});
