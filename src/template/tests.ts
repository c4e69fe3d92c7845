import { splitArgs } from './args.js';
import { pyRegExp } from './filters-regex.js';
import { isPlainObject, pyEquals, pyTruthy } from './python.js';
import { assertDefined, isUndefined } from './undefined.js';

/** Jinja2 and Ansible tests (`x is defined`, `result is changed`, `v is version('2', '>=')`). */

export type Test = (value: unknown, ...args: unknown[]) => boolean;

function strictTest(fn: Test): Test {
  return (value, ...args) => {
    assertDefined(value);
    for (const arg of args) assertDefined(arg);
    return fn(value, ...args);
  };
}

/** Loose version comparison, as Ansible's default: numbers numerically, words as text. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string): (number | string)[] =>
    (v.match(/\d+|[a-z]+/gi) ?? []).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const [p, q] = [x[i], y[i]];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    if (p === q) continue;
    if (typeof p === 'number' && typeof q === 'number') return p - q;
    return String(p) < String(q) ? -1 : 1;
  }
  return 0;
}

const VERSION_OPS: Record<string, (c: number) => boolean> = {
  '<': (c) => c < 0,
  lt: (c) => c < 0,
  '<=': (c) => c <= 0,
  le: (c) => c <= 0,
  '>': (c) => c > 0,
  gt: (c) => c > 0,
  '>=': (c) => c >= 0,
  ge: (c) => c >= 0,
  '==': (c) => c === 0,
  '=': (c) => c === 0,
  eq: (c) => c === 0,
  '!=': (c) => c !== 0,
  '<>': (c) => c !== 0,
  ne: (c) => c !== 0,
};

function version(value: unknown, ...args: unknown[]): boolean {
  const { positional, kwargs } = splitArgs(args);
  const [other, op = kwargs['operator'] ?? 'eq'] = positional;
  const check = VERSION_OPS[String(op)];
  if (!check) throw new Error(`version: invalid operator '${String(op)}'`);
  return check(compareVersions(String(value), String(other)));
}

function regexTest(mode: 'match' | 'search' | 'fullmatch') {
  return (value: unknown, ...args: unknown[]): boolean => {
    const { positional, kwargs } = splitArgs(args);
    const source = String(positional[0] ?? '');
    const anchored = mode === 'match' ? `^(?:${source})` : mode === 'fullmatch' ? `^(?:${source})$` : source;
    return pyRegExp(anchored, kwargs).test(String(value));
  };
}

const resultFlag = (key: string) => (value: unknown) => isPlainObject(value) && value[key] === true;
const isNumber = (v: unknown): boolean => typeof v === 'number';

const STRICT_TESTS: Record<string, Test> = {
  none: (v) => v === null,
  true: (v) => v === true,
  false: (v) => v === false,
  string: (v) => typeof v === 'string',
  number: isNumber,
  integer: (v) => isNumber(v) && Number.isInteger(v),
  float: (v) => isNumber(v) && !Number.isInteger(v),
  boolean: (v) => typeof v === 'boolean',
  mapping: (v) => isPlainObject(v),
  iterable: (v) => typeof v === 'string' || Array.isArray(v) || isPlainObject(v),
  sequence: (v) => typeof v === 'string' || Array.isArray(v) || isPlainObject(v),
  callable: (v) => typeof v === 'function',
  sameas: (v, other) => v === other,
  eq: pyEquals,
  equalto: pyEquals,
  '==': pyEquals,
  ne: (a, b) => !pyEquals(a, b),
  '!=': (a, b) => !pyEquals(a, b),
  lt: (a, b) => (a as number) < (b as number),
  le: (a, b) => (a as number) <= (b as number),
  gt: (a, b) => (a as number) > (b as number),
  ge: (a, b) => (a as number) >= (b as number),
  in: (v, seq) => (Array.isArray(seq) ? seq.some((x) => pyEquals(v, x)) : String(seq).includes(String(v))),
  contains: (seq, v) =>
    Array.isArray(seq) ? seq.some((x) => pyEquals(v, x)) : String(seq).includes(String(v)),
  subset: (a, b) => Array.isArray(a) && Array.isArray(b) && a.every((x) => b.some((y) => pyEquals(x, y))),
  superset: (a, b) => Array.isArray(a) && Array.isArray(b) && b.every((x) => a.some((y) => pyEquals(x, y))),
  truthy: (v) => pyTruthy(v),
  falsy: (v) => !pyTruthy(v),
  all: (v) => Array.isArray(v) && v.every(pyTruthy),
  any: (v) => Array.isArray(v) && v.some(pyTruthy),
  match: regexTest('match'),
  search: regexTest('search'),
  regex: regexTest('search'),
  divisibleby: (v, n) => (v as number) % (n as number) === 0,
  even: (v) => (v as number) % 2 === 0,
  odd: (v) => Math.abs((v as number) % 2) === 1,
  lower: (v) => typeof v === 'string' && v === v.toLowerCase(),
  upper: (v) => typeof v === 'string' && v === v.toUpperCase(),
  version,
  version_compare: version,
  // Registered task results.
  changed: resultFlag('changed'),
  change: resultFlag('changed'),
  failed: resultFlag('failed'),
  failure: resultFlag('failed'),
  succeeded: (v) => !resultFlag('failed')(v),
  success: (v) => !resultFlag('failed')(v),
  skipped: resultFlag('skipped'),
  skip: resultFlag('skipped'),
};

export const TESTS: Record<string, Test> = {
  defined: (v) => !isUndefined(v),
  undefined: (v) => isUndefined(v),
  ...Object.fromEntries(Object.entries(STRICT_TESTS).map(([name, fn]) => [name, strictTest(fn)])),
};
