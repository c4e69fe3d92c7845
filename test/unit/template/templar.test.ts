import { describe, expect, it } from 'vitest';
import { IngressError } from '../../../src/errors.js';
import { createTemplar } from '../../../src/template/templar.js';

const templar = createTemplar({ env: { INGRESS_TEST_VAR: 'from-env' } });

function templateError(fn: () => unknown): IngressError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(IngressError);
    return err as IngressError;
  }
  throw new Error('expected a template error');
}

describe('renderValue: native types', () => {
  const vars = { list: [1, 'a'], map: { k: 'v' }, port: 443, on: true, name: 'edge' };
  it.each<[unknown, unknown]>([
    ['{{ list }}', [1, 'a']],
    ['{{ map }}', { k: 'v' }],
    ['{{ port }}', 443],
    ['{{ on }}', true],
    ['{{ port + 1 }}', 444],
    ['{{ none }}', null],
    ["{{ {'a': {'b': port}} }}", { a: { b: 443 } }],
    ['{{ name }}', 'edge'],
    ['{{ port }}/tcp', '443/tcp'],
    ['{{ name }}-{{ port }}', 'edge-443'],
    ['list: {{ list }}', "list: [1, 'a']"],
    ['{{ on }} {{ none }}', 'True '],
    ['no template here', 'no template here'],
    [42, 42],
    [null, null],
    [
      ['{{ port }}', 'x-{{ name }}'],
      [443, 'x-edge'],
    ],
    [
      { '{{ name }}_port': '{{ port }}', nested: { list: '{{ list }}' } },
      { edge_port: 443, nested: { list: [1, 'a'] } },
    ],
  ])('%j', (input, expected) => {
    expect(templar.renderValue(input, vars)).toEqual(expected);
  });

  it('drops map keys and list items that render to omit', () => {
    const value = { mode: '{{ mode | default(omit) }}', owner: 'root', list: ['a', '{{ omit }}'] };
    expect(templar.renderValue(value, {})).toEqual({ owner: 'root', list: ['a'] });
  });

  it('keeps trailing newlines of multi-line values', () => {
    expect(templar.renderValue('{% if true %}\nx\n{% endif %}\n', {})).toBe('x\n');
    expect(templar.renderValue('a {{ 1 }}\n\n', {})).toBe('a 1\n\n');
  });
});

describe("renderValue: Ansible 2.14's literal_eval of rendered text", () => {
  // What ansible-core 2.14 (jinja2_native off) made of each value, read back with type_debug.
  const vars = { items: [1, 'two', { a: null }], text_list: '[1, 2]' };
  it.each<[string, unknown]>([
    ['{{ items | tojson }}\n', [1, 'two', { a: null }]],
    ['{{ text_list }}', [1, 2]],
    [' {{ items | tojson }}', ' [1, "two", {"a": null}]'],
    ["{{ 'True' }}", true],
    ["{{ '{' }}'k': [true, null, 1.5, -2, 'q\\'s']}", { k: [true, null, 1.5, -2, "q's"] }],
    ['[not python {{ 1 }}', '[not python 1'],
    ["{{ '(1, 2)' }}", '(1, 2)'],
  ])('%j', (input, expected) => {
    expect(templar.renderValue(input, vars)).toEqual(expected);
  });

  it('leaves text that is not templated, and template output (renderText), alone', () => {
    expect(templar.renderValue('[1, 2]', {})).toBe('[1, 2]');
    expect(templar.renderText('{{ items | tojson }}\n', vars)).toBe('[1, "two", {"a": null}]\n');
  });
});

describe('lazy variables', () => {
  it('resolves vars that reference other vars, recursively, on access', () => {
    const vars = { a: '{{ b }}-x', b: '{{ c * 2 }}', c: 21, list: ['{{ a }}', '{{ c }}'] };
    expect(templar.renderValue('{{ a }}', vars)).toBe('42-x');
    expect(templar.renderValue('{{ list }}', vars)).toEqual(['42-x', 21]);
    expect(templar.evaluate('b + 1', vars)).toBe(43);
  });

  it('never resolves vars that are not used', () => {
    const vars = { broken: '{{ nowhere }}', fine: 'ok' };
    expect(templar.renderValue('{{ fine }}', vars)).toBe('ok');
  });

  it('reports a cycle with the chain of names', () => {
    const vars = { a: '{{ b }}', b: 'x{{ c }}', c: '{{ a }}' };
    const err = templateError(() => templar.renderValue('{{ a }}', vars));
    expect(err.code).toBe('E_TEMPLATE');
    expect(err.message).toContain('recursive loop detected in template variables: a -> b -> c -> a');
  });

  it('names the variable whose template failed', () => {
    const err = templateError(() =>
      templar.renderValue('{{ outer }}', { outer: '{{ inner }}', inner: '{{ gone }}' }),
    );
    expect(err.message).toContain("'gone' is undefined");
    expect(err.message).toContain("while resolving variable 'outer' -> 'inner'");
  });

  it('lets {% set %} shadow a var inside one template only', () => {
    const vars = { x: 1 };
    expect(templar.renderText('{% set x = 2 %}{{ x }}', vars)).toBe('2');
    expect(templar.renderText('{{ x }}', vars)).toBe('1');
  });
});

describe('undefined variables', () => {
  it.each([
    ['{{ missing }}', "'missing' is undefined"],
    ['port {{ missing }}', "'missing' is undefined"],
    ['{{ conf.nope }}', "'dict object' has no attribute 'nope'"],
    ['{{ missing.deep }}', "'missing' is undefined"],
    ['{{ list[5] }}', 'list object has no element 5'],
    ['{% for x in missing %}{% endfor %}', "'missing' is undefined"],
    ['{% if missing %}x{% endif %}', "'missing' is undefined"],
    ['{{ missing + 1 }}', "'missing' is undefined"],
  ])('%s raises E_TEMPLATE with Ansible wording and the template text', (source, message) => {
    const err = templateError(() => templar.renderValue(source, { conf: { a: 1 }, list: [1] }));
    expect(err.code).toBe('E_TEMPLATE');
    expect(err.message).toContain(message);
    expect(err.message).toContain(source);
  });

  it('names the file and line in whole-file templates', () => {
    const err = templateError(() =>
      templar.renderText('global\n  log stdout\nfrontend {{ fe_name }}\n', {}, 'haproxy.cfg.j2'),
    );
    expect(err.message).toContain("'fe_name' is undefined");
    expect(err.message).toContain('line 3');
    expect(err.location).toEqual({ file: 'haproxy.cfg.j2', line: 3 });
  });

  it('reports syntax errors as E_TEMPLATE with the line', () => {
    const err = templateError(() => templar.renderText('a\n{% if %}\n', {}, 'bad.j2'));
    expect(err.message).toMatch(/^template syntax error: .*line 2/);
    expect(err.location).toEqual({ file: 'bad.j2', line: 2 });
  });
});

describe('evaluate', () => {
  const vars = { items: [1, 2, 3], d: { k: 'v' }, empty: [] };
  it.each<[string, unknown]>([
    ['items | length > 2', true],
    ['items[-1]', 3],
    ['items[1:]', [2, 3]],
    ['items[::-1]', [3, 2, 1]],
    ['items + [4]', [1, 2, 3, 4]],
    ["'-' * 3", '---'],
    ["'a' ~ 1 ~ True", 'a1True'],
    ["'web.example.org'.split('.')[0]", 'web'],
    ["' x '.strip()", 'x'],
    ["'abc'.startswith('a')", true],
    ['d.items() | list', [['k', 'v']]],
    ['d.keys() | list', ['k']],
    ["d.get('k')", 'v'],
    ["d.get('z', 'dflt')", 'dflt'],
    ["empty or 'fallback'", 'fallback'],
    ["items and 'yes'", 'yes'],
    ['empty and 1', []],
    ['not empty', true],
    ["'x' if empty else 'y'", 'y'],
    ['True and not False', true],
    ['None', null],
    ['range(3) | list', [0, 1, 2]],
    ["lookup('env', 'INGRESS_TEST_VAR')", 'from-env'],
    ["lookup('env', 'INGRESS_UNSET_VAR')", ''],
    ["query('env', 'INGRESS_TEST_VAR')", ['from-env']],
    ["lookup('vars', 'items')", [1, 2, 3]],
    ['dict(a=1)', { a: 1 }],
    ['2 in items', true],
    ["'k' in d", true],
  ])('%s', (expression, expected) => {
    expect(templar.evaluate(expression, vars)).toEqual(expected);
  });

  it('raises on an undefined result', () => {
    expect(() => templar.evaluate('nope', vars)).toThrow("'nope' is undefined");
  });

  it('raises on an unknown lookup plugin', () => {
    expect(() => templar.evaluate("lookup('nope', 'x')", vars)).toThrow('lookup plugin (nope) not found');
  });
});

describe('isTrue (when:)', () => {
  const vars = {
    flag_str: 'false',
    yes_str: 'yes',
    n: 3,
    empty: [],
    items: [1],
    reg: { changed: true },
    cond: '{{ n > 2 }}',
  };
  it.each<[unknown, boolean]>([
    [true, true],
    [false, false],
    [null, true],
    ['n > 2', true],
    ['n > 5', false],
    ['empty', false],
    ['items', true],
    ['not empty', true],
    ['flag_str', false],
    ['yes_str', true],
    ['flag_str | bool', false],
    ['yes', true],
    ['False', false],
    ['"{{ flag_str }}"', false],
    ['{{ n > 2 }}', true],
    ['cond', true],
    ['reg is changed', true],
    ['undefined_var is not defined', true],
    [['n > 2', 'items'], true],
    [['n > 2', 'empty'], false],
    [[], true],
    [['n > 2', true], true],
  ])('%j is %s', (condition, expected) => {
    expect(templar.isTrue(condition, vars)).toBe(expected);
  });

  it('fails on an undefined variable, quoting the condition', () => {
    const err = templateError(() => templar.isTrue('missing == 1', vars));
    expect(err.message).toContain("The conditional check 'missing == 1' failed");
    expect(err.message).toContain("'missing' is undefined");
  });
});
