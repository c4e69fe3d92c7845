import { assertDefined, isUndefined } from './undefined.js';

/** Python semantics that Jinja2 templates rely on and JavaScript lacks. */

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function quoteString(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  const body = s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
  return quote + (quote === "'" ? body.replace(/'/g, "\\'") : body) + quote;
}

function numberRepr(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  return String(n);
}

/** Python's repr(), as Jinja2 prints lists and dicts. */
export function pyRepr(value: unknown): string {
  assertDefined(value);
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return numberRepr(value);
  if (typeof value === 'string') return quoteString(value);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (isPlainObject(value)) {
    const items = Object.entries(value).map(([k, v]) => `${quoteString(k)}: ${pyRepr(v)}`);
    return `{${items.join(', ')}}`;
  }
  return String(value);
}

/** Python's str(). */
export function pyStr(value: unknown): string {
  return typeof value === 'string' ? value : pyRepr(value);
}

/** Python's bool(): empty containers and strings are false; undefined raises. */
export function pyTruthy(value: unknown): boolean {
  assertDefined(value);
  if (value === null || value === undefined) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  if (typeof value === 'string' || Array.isArray(value)) return value.length > 0;
  if (value instanceof Map || value instanceof Set) return value.size > 0;
  if (isPlainObject(value)) return Object.keys(value).length > 0;
  return true;
}

/** Ansible's `bool` filter. */
export function ansibleBool(value: unknown): boolean {
  assertDefined(value);
  if (typeof value === 'boolean') return value;
  if (value === 1) return true;
  if (typeof value !== 'string') return false;
  return ['yes', 'on', '1', 'true'].includes(value.trim().toLowerCase());
}

/** Python's `in` / `==` on values that may be lists or dicts. */
export function pyEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (isUndefined(a) || isUndefined(b)) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

export function pySplit(s: string, sep?: unknown, maxsplit = -1): string[] {
  if (sep === undefined || sep === null) {
    const parts = s.trim() === '' ? [] : s.trim().split(/\s+/);
    if (maxsplit < 0 || parts.length <= maxsplit + 1) return parts;
    const head = parts.slice(0, maxsplit);
    let rest = s.trim();
    for (const part of head) rest = rest.slice(rest.indexOf(part) + part.length).trimStart();
    return [...head, rest];
  }
  const parts = s.split(String(sep));
  if (maxsplit < 0 || parts.length <= maxsplit + 1) return parts;
  return [...parts.slice(0, maxsplit), parts.slice(maxsplit).join(String(sep))];
}

export function pyStrip(s: string, chars: unknown, side: 'both' | 'left' | 'right'): string {
  if (chars === undefined || chars === null) {
    if (side === 'left') return s.trimStart();
    return side === 'right' ? s.trimEnd() : s.trim();
  }
  const set = new Set(String(chars));
  let start = 0;
  let end = s.length;
  if (side !== 'right') while (start < end && set.has(s[start] ?? '')) start++;
  if (side !== 'left') while (end > start && set.has(s[end - 1] ?? '')) end--;
  return s.slice(start, end);
}

/** str.format with `{}`, `{0}` and `{name}` fields. */
export function pyFormat(template: string, args: unknown[]): string {
  let next = 0;
  const kwargs = (args.find((a) => isPlainObject(a) && a['__keywords'] === true) ?? {}) as Record<
    string,
    unknown
  >;
  return template.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (whole, field: string | undefined) => {
    if (whole === '{{') return '{';
    if (whole === '}}') return '}';
    const key = field ?? '';
    if (key === '') return pyStr(args[next++]);
    return pyStr(/^\d+$/.test(key) ? args[Number(key)] : kwargs[key]);
  });
}
