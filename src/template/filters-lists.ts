import { type Filter, asList, bindArgs, splitArgs, strict } from './args.js';
import { isPlainObject, pyEquals, pyStr } from './python.js';
import { memberLookup } from './runtime.js';
import { TemplateUndefined } from './undefined.js';

/** List and dict filters. */

/** Looks up a dotted attribute path (`a.b.0`) as Jinja2's attribute= does. */
export function attributePath(item: unknown, path: unknown): unknown {
  return String(path)
    .split('.')
    .reduce<unknown>(
      (obj, part) => memberLookup(obj, /^-?\d+$/.test(part) && Array.isArray(obj) ? Number(part) : part),
      item,
    );
}

function uniqueItems(items: unknown[]): unknown[] {
  return items.filter((item, i) => items.findIndex((other) => pyEquals(item, other)) === i);
}

const has = (items: unknown[], x: unknown): boolean => items.some((y) => pyEquals(x, y));

function sortKey(value: unknown, caseSensitive: boolean): unknown {
  return typeof value === 'string' && !caseSensitive ? value.toLowerCase() : value;
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === typeof b) return pyStr(a) < pyStr(b) ? -1 : pyStr(a) > pyStr(b) ? 1 : 0;
  throw new Error(`'<' not supported between instances of '${typeof a}' and '${typeof b}'`);
}

function sortFilter(value: unknown, ...args: unknown[]): unknown[] {
  const a = bindArgs(args, ['reverse', 'case_sensitive', 'attribute'], {
    reverse: false,
    case_sensitive: false,
  });
  const key = (item: unknown): unknown => {
    const v =
      a['attribute'] === undefined || a['attribute'] === null ? item : attributePath(item, a['attribute']);
    return sortKey(v, a['case_sensitive'] === true);
  };
  const sorted = [...asList(value, 'sort')].sort((x, y) => compare(key(x), key(y)));
  return a['reverse'] === true ? sorted.reverse() : sorted;
}

function join(value: unknown, ...args: unknown[]): string {
  const { d, attribute } = bindArgs(args, ['d', 'attribute'], { d: '' });
  const items = asList(value, 'join').map((item) =>
    attribute === undefined ? item : attributePath(item, attribute),
  );
  return items.map(pyStr).join(pyStr(d));
}

function flatten(value: unknown, ...args: unknown[]): unknown[] {
  const { levels, skip_nulls } = bindArgs(args, ['levels', 'skip_nulls'], { levels: null, skip_nulls: true });
  const depth = typeof levels === 'number' ? levels : Infinity;
  const walk = (items: unknown[], level: number): unknown[] =>
    items.flatMap((item) => {
      if (Array.isArray(item) && level < depth) return walk(item, level + 1);
      return skip_nulls === true && (item === null || item === undefined) ? [] : [item];
    });
  return walk(asList(value, 'flatten'), 0);
}

function mergeDicts(a: Record<string, unknown>, b: Record<string, unknown>, opts: Record<string, unknown>) {
  const out: Record<string, unknown> = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const prev = out[key];
    if (opts['recursive'] === true && isPlainObject(prev) && isPlainObject(value)) {
      out[key] = mergeDicts(prev, value, opts);
    } else if (Array.isArray(prev) && Array.isArray(value) && opts['list_merge'] !== 'replace') {
      out[key] = listMerge(prev, value, String(opts['list_merge']));
    } else {
      out[key] = value;
    }
  }
  return out;
}

function listMerge(prev: unknown[], next: unknown[], mode: string): unknown[] {
  if (mode === 'keep') return prev;
  if (mode === 'append') return [...prev, ...next];
  if (mode === 'prepend') return [...next, ...prev];
  if (mode === 'append_rp') return [...prev.filter((x) => !has(next, x)), ...next];
  if (mode === 'prepend_rp') return [...next, ...prev.filter((x) => !has(next, x))];
  throw new Error(`combine: unknown list_merge '${mode}'`);
}

function combine(value: unknown, ...args: unknown[]): Record<string, unknown> {
  const { positional, kwargs } = splitArgs(args);
  const opts = { recursive: false, list_merge: 'replace', ...kwargs };
  const dicts = [value, ...positional].flatMap((d) => (Array.isArray(d) ? (d as unknown[]) : [d]));
  return dicts.reduce<Record<string, unknown>>((acc, d) => {
    if (!isPlainObject(d)) throw new Error(`combine expects dictionaries, got ${pyStr(d)}`);
    return mergeDicts(acc, d, opts);
  }, {});
}

function dict2items(value: unknown, ...args: unknown[]): Record<string, unknown>[] {
  const { key_name, value_name } = bindArgs(args, ['key_name', 'value_name'], {
    key_name: 'key',
    value_name: 'value',
  });
  if (!isPlainObject(value)) throw new Error('dict2items requires a dictionary');
  return Object.entries(value).map(([k, v]) => ({ [String(key_name)]: k, [String(value_name)]: v }));
}

function items2dict(value: unknown, ...args: unknown[]): Record<string, unknown> {
  const { key_name, value_name } = bindArgs(args, ['key_name', 'value_name'], {
    key_name: 'key',
    value_name: 'value',
  });
  const entries = asList(value, 'items2dict').map((item) => {
    if (!isPlainObject(item)) throw new Error('items2dict requires a list of dictionaries');
    return [pyStr(item[String(key_name)]), item[String(value_name)]] as const;
  });
  return Object.fromEntries(entries);
}

function extreme(sign: 1 | -1) {
  return (value: unknown, ...args: unknown[]): unknown => {
    const { attribute } = bindArgs(args, ['case_sensitive', 'attribute']);
    const items = asList(value, sign > 0 ? 'max' : 'min');
    const key = (x: unknown): unknown => (attribute === undefined ? x : attributePath(x, attribute));
    return items.reduce((best, x) => (compare(key(x), key(best)) * sign > 0 ? x : best), items[0] ?? null);
  };
}

function length(value: unknown): number {
  if (typeof value === 'string' || Array.isArray(value)) return value.length;
  if (isPlainObject(value)) return Object.keys(value).length;
  if (value instanceof Map || value instanceof Set) return value.size;
  throw new Error(`object of type '${value === null ? 'NoneType' : typeof value}' has no len()`);
}

function first(value: unknown): unknown {
  const items = asList(value, 'first');
  return items.length > 0 ? items[0] : undefinedItem('first');
}

function last(value: unknown): unknown {
  const items = asList(value, 'last');
  return items.length > 0 ? items[items.length - 1] : undefinedItem('last');
}

/** Jinja2 yields undefined here, so `| first | default(x)` still works. */
function undefinedItem(what: string): TemplateUndefined {
  return new TemplateUndefined(`No ${what} item, sequence was empty.`);
}

export const LIST_FILTERS: Record<string, Filter> = {
  join: strict(join),
  length: strict(length),
  count: strict(length),
  first: strict(first),
  last: strict(last),
  list: strict((v) => asList(v, 'list')),
  unique: strict((v) => uniqueItems(asList(v, 'unique'))),
  union: strict((a, b) => uniqueItems([...asList(a, 'union'), ...asList(b, 'union')])),
  intersect: strict((a, b) =>
    uniqueItems(asList(a, 'intersect').filter((x) => has(asList(b, 'intersect'), x))),
  ),
  difference: strict((a, b) =>
    uniqueItems(asList(a, 'difference').filter((x) => !has(asList(b, 'difference'), x))),
  ),
  symmetric_difference: strict((a, b) => {
    const [x, y] = [asList(a, 'symmetric_difference'), asList(b, 'symmetric_difference')];
    return uniqueItems([...x.filter((i) => !has(y, i)), ...y.filter((i) => !has(x, i))]);
  }),
  sort: strict(sortFilter),
  reverse: strict((v) =>
    typeof v === 'string' ? [...v].reverse().join('') : [...asList(v, 'reverse')].reverse(),
  ),
  flatten: strict(flatten),
  min: strict(extreme(-1)),
  max: strict(extreme(1)),
  sum: strict((v, ...args) => {
    const { attribute, start } = bindArgs(args, ['attribute', 'start'], { start: 0 });
    return asList(v, 'sum').reduce<number>(
      (acc, x) => acc + Number(attribute ? attributePath(x, attribute) : x),
      Number(start),
    );
  }),
  zip: strict((v, ...others) => {
    const lists = [v, ...others].map((l) => asList(l, 'zip'));
    return Array.from({ length: Math.min(...lists.map((l) => l.length)) }, (_, i) => lists.map((l) => l[i]));
  }),
  dict2items: strict(dict2items),
  items2dict: strict(items2dict),
  combine: strict(combine),
};
