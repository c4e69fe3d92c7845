import { isPlainObject, pyEquals, pyFormat, pySplit, pyStr, pyStrip } from './python.js';

/**
 * The Python methods playbook templates call on strings, lists and dicts
 * (`name.split('.')`, `d.items()`, `x.startswith('a')`).
 */
type Method = (self: never, ...args: unknown[]) => unknown;

const STRING_METHODS: Record<string, (self: string, ...args: unknown[]) => unknown> = {
  lower: (s) => s.toLowerCase(),
  upper: (s) => s.toUpperCase(),
  strip: (s, chars) => pyStrip(s, chars, 'both'),
  lstrip: (s, chars) => pyStrip(s, chars, 'left'),
  rstrip: (s, chars) => pyStrip(s, chars, 'right'),
  split: (s, sep, max) => pySplit(s, sep, typeof max === 'number' ? max : -1),
  splitlines: (s) => s.split(/\r?\n/).filter((line, i, all) => i < all.length - 1 || line !== ''),
  startswith: (s, p) => (Array.isArray(p) ? p : [p]).some((x) => s.startsWith(String(x))),
  endswith: (s, p) => (Array.isArray(p) ? p : [p]).some((x) => s.endsWith(String(x))),
  replace: (s, old, repl, count) => replaceCount(s, String(old), String(repl), count),
  join: (s, items) => (Array.isArray(items) ? items.map(pyStr).join(s) : ''),
  find: (s, sub) => s.indexOf(String(sub)),
  count: (s, sub) => (String(sub) === '' ? s.length + 1 : s.split(String(sub)).length - 1),
  capitalize: (s) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase(),
  title: (s) =>
    s.toLowerCase().replace(/(^|[^a-z])([a-z])/g, (_m, a: string, b: string) => a + b.toUpperCase()),
  isdigit: (s) => /^\d+$/.test(s),
  format: (s, ...args) => pyFormat(s, args),
};

const LIST_METHODS: Record<string, (self: unknown[], ...args: unknown[]) => unknown> = {
  index: (l, x) => {
    const i = l.findIndex((y) => pyEquals(x, y));
    if (i < 0) throw new Error(`${pyStr(x)} is not in list`);
    return i;
  },
  count: (l, x) => l.filter((y) => pyEquals(x, y)).length,
  // Mutating methods are used in the `{% set _ = l.append(x) %}` idiom.
  append: (l, x) => {
    l.push(x);
    return null;
  },
  extend: (l, xs) => {
    if (Array.isArray(xs)) l.push(...(xs as unknown[]));
    return null;
  },
};

const DICT_METHODS: Record<string, (self: Record<string, unknown>, ...args: unknown[]) => unknown> = {
  keys: (d) => Object.keys(d),
  values: (d) => Object.values(d),
  items: (d) => Object.entries(d),
  get: (d, key, fallback = null) => (Object.hasOwn(d, String(key)) ? d[String(key)] : fallback),
  copy: (d) => ({ ...d }),
  update: (d, other) => {
    if (isPlainObject(other)) Object.assign(d, other);
    return null;
  },
};

function replaceCount(s: string, old: string, repl: string, count: unknown): string {
  if (typeof count !== 'number' || count < 0) return s.split(old).join(repl);
  const parts = s.split(old);
  return (
    parts.slice(0, count + 1).join(repl) +
    (parts.length > count + 1 ? old + parts.slice(count + 1).join(old) : '')
  );
}

function bind(method: Method | undefined, self: unknown): ((...args: unknown[]) => unknown) | undefined {
  return method === undefined ? undefined : (...args: unknown[]) => method(self as never, ...args);
}

/** The Python method `name` of `obj`, bound, or undefined when there is none. */
export function pythonMethod(obj: unknown, name: string): ((...args: unknown[]) => unknown) | undefined {
  if (typeof obj === 'string' && Object.hasOwn(STRING_METHODS, name)) return bind(STRING_METHODS[name], obj);
  if (Array.isArray(obj) && Object.hasOwn(LIST_METHODS, name)) return bind(LIST_METHODS[name], obj);
  if (isPlainObject(obj) && Object.hasOwn(DICT_METHODS, name)) return bind(DICT_METHODS[name], obj);
  return undefined;
}

/** Python slicing, `seq[start:stop:step]`, on lists and strings. */
export function pySlice(seq: unknown, start: unknown, stop: unknown, step: unknown): unknown {
  const items: unknown[] = typeof seq === 'string' ? [...seq] : Array.isArray(seq) ? seq : [];
  const by = typeof step === 'number' && step !== 0 ? step : 1;
  const len = items.length;
  const clamp = (v: unknown, fallback: number): number => {
    if (typeof v !== 'number') return fallback;
    const i = v < 0 ? v + len : v;
    return by > 0 ? Math.min(Math.max(i, 0), len) : Math.min(Math.max(i, -1), len - 1);
  };
  const from = clamp(start, by > 0 ? 0 : len - 1);
  const to = clamp(stop, by > 0 ? len : -1);
  const out: unknown[] = [];
  for (let i = from; by > 0 ? i < to : i > to; i += by) out.push(items[i]);
  return typeof seq === 'string' ? out.join('') : out;
}
