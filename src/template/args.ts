import { isPlainObject, pyStr } from './python.js';
import { isUndefined } from './undefined.js';

/**
 * Python-style argument binding for filters and tests: nunjucks passes
 * keyword arguments as a trailing object flagged `__keywords`.
 */
export interface Args {
  positional: unknown[];
  kwargs: Record<string, unknown>;
}

export function splitArgs(args: readonly unknown[]): Args {
  const last = args[args.length - 1];
  if (isPlainObject(last) && last['__keywords'] === true) {
    const { __keywords: _flag, ...kwargs } = last;
    return { positional: args.slice(0, -1), kwargs };
  }
  return { positional: [...args], kwargs: {} };
}

/** Binds positional then keyword arguments to `names`, Python's way. */
export function bindArgs(
  args: readonly unknown[],
  names: readonly string[],
  defaults: Record<string, unknown> = {},
): Record<string, unknown> {
  const { positional, kwargs } = splitArgs(args);
  const bound: Record<string, unknown> = { ...defaults };
  names.forEach((name, i) => {
    if (i < positional.length) bound[name] = positional[i];
  });
  for (const [key, value] of Object.entries(kwargs)) {
    if (!names.includes(key)) throw new Error(`unexpected keyword argument '${key}'`);
    bound[key] = value;
  }
  return bound;
}

export type Filter = (value: unknown, ...args: unknown[]) => unknown;

/**
 * Filters raise on an undefined input or argument, as with Ansible's strict
 * undefined; only the few that exist to handle undefined are let through.
 */
export function strict(fn: Filter): Filter {
  return (value, ...args) => {
    if (isUndefined(value)) value.fail();
    for (const arg of args) if (isUndefined(arg)) arg.fail();
    return fn(value, ...args);
  };
}

export function asList(value: unknown, what: string): unknown[] {
  if (Array.isArray(value)) return value as unknown[];
  if (typeof value === 'string') return [...value];
  if (isPlainObject(value)) return Object.keys(value);
  if (value instanceof Set || value instanceof Map) return [...value];
  throw new Error(`${what} expects a list, got ${value === null ? 'None' : typeof value}`);
}

export function asString(value: unknown): string {
  return typeof value === 'string' ? value : pyStr(value);
}
