import { describe, expect, it } from 'vitest';
import { createTemplar } from '../../../src/template/templar.js';

const templar = createTemplar({ env: {} });

const vars = {
  name: 'web-01',
  count: 3,
  ratio: 0.5,
  items: [1, 2],
  conf: { a: 1 },
  nothing: null,
  result_ok: { changed: false, failed: false },
  result_changed: { changed: true, failed: false },
  result_failed: { failed: true },
  result_skipped: { skipped: true },
};

const cases: [string, boolean][] = [
  ['name is defined', true],
  ['missing is defined', false],
  ['missing is undefined', true],
  ['missing is not defined', true],
  ['conf.a is defined', true],
  ['conf.b is defined', false],
  ['missing.deep.path is defined', false],
  ['nothing is none', true],
  ['name is none', false],
  ['true is true', true],
  ['1 is false', false],
  ['name is string', true],
  ['count is string', false],
  ['count is number', true],
  ['ratio is number', true],
  ['count is integer', true],
  ['ratio is float', true],
  ['conf is mapping', true],
  ['items is mapping', false],
  ['items is iterable', true],
  ['count is iterable', false],
  ['true is boolean', true],
  ['conf is sameas(conf)', true],
  ['conf is sameas({})', false],
  ['2 is in(items)', true],
  ["name is match('web')", true],
  ["name is match('01')", false],
  ["name is search('01')", true],
  ["name is regex('^web-\\\\d+$')", true],
  ["'1.10.0' is version('1.9', '>')", true],
  ["'2.14.3' is version('2.14.3', 'eq')", true],
  ["'2.6.12' is version('2.8', operator='lt')", true],
  ["'1.0' is version_compare('1.0.1', '<')", true],
  ['result_changed is changed', true],
  ['result_ok is changed', false],
  ['result_failed is failed', true],
  ['result_ok is succeeded', true],
  ['result_failed is success', false],
  ['result_skipped is skipped', true],
  ["'10.0.0.1' is ansible.utils.ipv4", true],
  ["'2001:db8::1' is ansible.utils.ipv4", false],
  ["'2001:db8::1' is ansible.utils.ipv6", true],
  ["'10.0.0.0/8' is ansible.utils.ip", true],
  ["'10.0.0.0/8' is ansible.utils.ip_address", false],
  ["'10.1.2.3' is ansible.utils.in_network('10.0.0.0/8')", true],
  ["'11.1.2.3' is ansible.utils.in_network('10.0.0.0/8')", false],
  ["'not-an-ip' is ipv4", false],
  ['4 is divisibleby(2)', true],
  ['[1, 2] is subset([1, 2, 3])', true],
  ['[1, 2, 3] is superset([2])', true],
  ['[1, 2] is contains(2)', true],
];

describe('jinja2 and ansible tests', () => {
  it.each(cases)('%s', (expression, expected) => {
    expect(templar.evaluate(expression, vars)).toBe(expected);
  });

  it('raises when a test other than defined/undefined gets an undefined value', () => {
    expect(() => templar.evaluate('missing is string', vars)).toThrow("'missing' is undefined");
  });
});
