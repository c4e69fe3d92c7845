import { describe, expect, it } from 'vitest';
import { createTemplar } from '../../../src/template/templar.js';

const templar = createTemplar({ env: {} });

const vars = {
  names: ['web', 'db', 'web'],
  servers: [
    { name: 'a', port: 80, enabled: true, tags: ['x'] },
    { name: 'b', port: 8080, enabled: false },
    { name: 'c', port: 443, enabled: true },
  ],
  conf: { listen: 80, tls: { on: true } },
  text: 'Hello World',
  ports: '80,443',
  nothing: null,
};

const cases: [string, unknown][] = [
  // default and friends
  ["missing | default('y')", 'y'],
  ["missing | d('y')", 'y'],
  ["'' | default('y')", ''],
  ["'' | default('y', true)", 'y'],
  ["nothing | default('y')", null],
  ["nothing | default('y', boolean=true)", 'y'],
  ['text | mandatory', 'Hello World'],
  // strings
  ["names | join(', ')", 'web, db, web'],
  ["servers | join(',', attribute='name')", 'a,b,c'],
  ['text | lower', 'hello world'],
  ['text | upper', 'HELLO WORLD'],
  ["'  pad  ' | trim", 'pad'],
  ["text | replace('o', '0')", 'Hell0 W0rld'],
  ["ports | split(',')", ['80', '443']],
  ["'/etc/haproxy/haproxy.cfg' | basename", 'haproxy.cfg'],
  ["'/etc/haproxy/haproxy.cfg' | dirname", '/etc/haproxy'],
  ['"it\'s" | quote', `'it'"'"'s'`],
  ["'plain-word_1.2' | quote", 'plain-word_1.2'],
  ["'' | quote", "''"],
  ["'abc' | hash('sha256')", 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ["'abc' | hash('sha1')", 'a9993e364706816aba3e25717850c26c9cd0d89d'],
  ["'hello' | b64encode", 'aGVsbG8='],
  ["'aGVsbG8=' | b64decode", 'hello'],
  // data formats
  ['conf | to_json', '{"listen": 80, "tls": {"on": true}}'],
  ['conf | to_nice_json', '{\n    "listen": 80,\n    "tls": {\n        "on": true\n    }\n}'],
  ['\'{"a": [1, 2]}\' | from_json', { a: [1, 2] }],
  ['conf | to_yaml', 'listen: 80\ntls: {on: true}\n'],
  ['conf | to_nice_yaml', 'listen: 80\ntls:\n    on: true\n'],
  ["'a: yes\\nb: [1, 2]' | from_yaml", { a: true, b: [1, 2] }],
  // regex
  ["'web-01.example' | regex_replace('^(\\\\w+)-(\\\\d+).*$', '\\\\2-\\\\1')", '01-web'],
  ["'a1b22' | regex_replace('(?P<n>\\\\d+)', '<\\\\g<n>>')", 'a<1>b<22>'],
  ["'ABC' | regex_replace('b', 'x', ignorecase=true)", 'AxC'],
  ["'port 8080 open' | regex_search('\\\\d+')", '8080'],
  ["'port 8080 open' | regex_search('(\\\\w+) (\\\\d+)', '\\\\2', '\\\\1')", ['8080', 'port']],
  ["'nothing' | regex_search('\\\\d+')", null],
  ["'a1 b2 c3' | regex_findall('[a-z]\\\\d')", ['a1', 'b2', 'c3']],
  [
    "'a=1 b=2' | regex_findall('(\\\\w)=(\\\\d)')",
    [
      ['a', '1'],
      ['b', '2'],
    ],
  ],
  // lists
  ['names | length', 3],
  ['conf | count', 2],
  ['names | first', 'web'],
  ['names | last', 'web'],
  ['names | unique', ['web', 'db']],
  ["['a', 'b'] | union(['b', 'c'])", ['a', 'b', 'c']],
  ["['a', 'b'] | intersect(['b', 'c'])", ['b']],
  ["['a', 'b'] | difference(['b', 'c'])", ['a']],
  ["['b', 'A', 'c'] | sort", ['A', 'b', 'c']],
  ['[3, 1, 2] | sort(reverse=true)', [3, 2, 1]],
  ["servers | sort(attribute='port') | map(attribute='name') | list", ['a', 'c', 'b']],
  ["servers | map(attribute='port') | list", [80, 8080, 443]],
  ["servers | map(attribute='missing', default='-') | list", ['-', '-', '-']],
  ['names | map("upper") | list', ['WEB', 'DB', 'WEB']],
  ['[1, 0, 2] | select | list', [1, 2]],
  ["[1, 2, 3, 4] | select('even') | list", [2, 4]],
  ["[1, 2, 3, 4] | reject('odd') | list", [2, 4]],
  ["servers | selectattr('enabled') | map(attribute='name') | list", ['a', 'c']],
  ["servers | rejectattr('enabled') | map(attribute='name') | list", ['b']],
  ["servers | selectattr('port', 'gt', 100) | map(attribute='name') | list", ['b', 'c']],
  ["servers | selectattr('tags', 'defined') | map(attribute='name') | list", ['a']],
  ["servers | selectattr('name', 'equalto', 'b') | map(attribute='port') | first", 8080],
  ["'ab' | list", ['a', 'b']],
  [
    'conf | dict2items',
    [
      { key: 'listen', value: 80 },
      { key: 'tls', value: { on: true } },
    ],
  ],
  ["conf | dict2items(key_name='k', value_name='v') | map(attribute='k') | list", ['listen', 'tls']],
  ["[{'key': 'a', 'value': 1}] | items2dict", { a: 1 }],
  ["{'a': {'x': 1}} | combine({'a': {'y': 2}})", { a: { y: 2 } }],
  ["{'a': {'x': 1}} | combine({'a': {'y': 2}}, recursive=True)", { a: { x: 1, y: 2 } }],
  ["{'l': [1]} | combine({'l': [2]}, list_merge='append')", { l: [1, 2] }],
  ['[[1, [2]], 3] | flatten', [1, 2, 3]],
  ['[[1, [2]], 3] | flatten(levels=1)', [1, [2], 3]],
  ['[3, 9, 1] | max', 9],
  ['[3, 9, 1] | min', 1],
  // conversions
  ["'yes' | bool", true],
  ["'off' | bool", false],
  ['1 | bool', true],
  ["'42' | int", 42],
  ["'4.7' | int", 4],
  ["'x' | int", 0],
  ["'x' | int(7)", 7],
  ["'ff' | int(base=16)", 255],
  ["'2.5' | float", 2.5],
  ['42 | string', '42'],
  ['true | string', 'True'],
  ["[1, 'a'] | string", "[1, 'a']"],
  ["true | ternary('on', 'off')", 'on'],
  ["[] | ternary('on', 'off')", 'off'],
  // IP helpers
  [
    "['10.0.0.1', 'nope', '2001:db8::1', '192.168.1.0/24'] | ipaddr",
    ['10.0.0.1', '2001:db8::1', '192.168.1.0/24'],
  ],
  ["['10.0.0.1', '2001:db8::1'] | ipv4", ['10.0.0.1']],
  ["['10.0.0.1', '2001:db8::1'] | ipv6", ['2001:db8::1']],
  ["'nope' | ipaddr", false],
  ["'192.168.1.10/24' | ipaddr('address')", '192.168.1.10'],
  ["'192.168.1.0/24' | ipaddr('address')", false],
  ["'192.168.1.10/24' | ipaddr('network')", '192.168.1.0'],
  ["'192.168.1.10/24' | ipaddr('netmask')", '255.255.255.0'],
  ["'192.168.1.10/24' | ipaddr('prefix')", 24],
  ["'192.168.1.10/24' | ipaddr('broadcast')", '192.168.1.255'],
  ["'2001:db8::1/64' | ipaddr('network')", '2001:db8::'],
  ["['10.1.2.3', '8.8.8.8'] | ipaddr('private')", ['10.1.2.3']],
  ["'2001:db8::1' | ipwrap", '[2001:db8::1]'],
  ["'2001:db8::1/64' | ipwrap", '[2001:db8::1]/64'],
  ["'10.0.0.1' | ipwrap", '10.0.0.1'],
  ["['::1', 'host.example'] | ansible.utils.ipwrap", ['[::1]', 'host.example']],
  ["'10.0.0.1' | ansible.builtin.string", '10.0.0.1'],
];

describe('filters', () => {
  it.each(cases)('%s', (expression, expected) => {
    expect(templar.evaluate(expression, vars)).toEqual(expected);
  });

  it('raises on undefined input to a filter, naming the variable', () => {
    expect(() => templar.evaluate('missing | upper', vars)).toThrow("'missing' is undefined");
  });

  it('mandatory raises on an undefined value', () => {
    expect(() => templar.evaluate('missing | mandatory', vars)).toThrow("'missing' is undefined");
    expect(() => templar.evaluate("missing | mandatory('set missing!')", vars)).toThrow('set missing!');
  });

  it('from_json reports malformed input', () => {
    expect(() => templar.evaluate("'{nope' | from_json", vars)).toThrow(/from_json/);
  });
});
