import { createHash } from 'node:crypto';
import { type Filter, asString, bindArgs, strict } from './args.js';
import { ansibleBool, isPlainObject, pyStr, pySplit, pyStrip, pyTruthy } from './python.js';
import { UndefinedVariableError, isUndefined } from './undefined.js';

/** Scalar, string and path filters. */

function defaultFilter(value: unknown, ...args: unknown[]): unknown {
  const { default_value: fallback, boolean } = bindArgs(args, ['default_value', 'boolean'], {
    default_value: '',
    boolean: false,
  });
  if (isUndefined(value)) return fallback;
  return boolean === true && !pyTruthy(value) ? fallback : value;
}

function mandatory(value: unknown, msg?: unknown): unknown {
  if (!isUndefined(value)) return value;
  throw new UndefinedVariableError(typeof msg === 'string' ? msg : `Mandatory variable ${value.message}`);
}

function toInt(value: unknown, ...args: unknown[]): number {
  const { default: fallback, base } = bindArgs(args, ['default', 'base'], { default: 0, base: 10 });
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : Number(fallback);
  const text = asString(value).trim().replace(/_/g, '');
  const radix = Number(base);
  const digits = radix === 16 ? /^[-+]?(0x)?[0-9a-f]+$/i : radix === 8 ? /^[-+]?(0o)?[0-7]+$/i : /^[-+]?\d+$/;
  if (digits.test(text)) return parseInt(text.replace(/^([-+]?)0[xo]/i, '$1'), radix);
  const asFloat = Number(text);
  return text !== '' && Number.isFinite(asFloat) ? Math.trunc(asFloat) : Number(fallback);
}

function toFloat(value: unknown, fallback: unknown = 0): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value;
  const text = asString(value).trim();
  const n = Number(text);
  return text !== '' && !Number.isNaN(n) ? n : Number(fallback);
}

function ternary(value: unknown, trueVal: unknown, falseVal: unknown, noneVal: unknown = null): unknown {
  if ((value === null || value === undefined) && noneVal !== null) return noneVal;
  return pyTruthy(value) ? trueVal : falseVal;
}

function typeDebug(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (Array.isArray(value)) return 'list';
  return isPlainObject(value) ? 'dict' : typeof value;
}

/** Python's shlex.quote. */
export function shellQuote(value: unknown): string {
  const s = asString(value);
  if (s === '') return "''";
  if (/^[\w@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'"'"'`)}'`;
}

/** Python's posixpath.basename and dirname. */
function basename(value: unknown): string {
  const p = asString(value);
  return p.slice(p.lastIndexOf('/') + 1);
}

function dirname(value: unknown): string {
  const p = asString(value);
  const head = p.slice(0, p.lastIndexOf('/') + 1);
  return head !== '' && !/^\/+$/.test(head) ? head.replace(/\/+$/, '') : head;
}

function hashFilter(value: unknown, algorithm: unknown = 'sha1'): string {
  return createHash(String(algorithm)).update(asString(value)).digest('hex');
}

function replace(value: unknown, old: unknown, repl: unknown, count?: unknown): string {
  const parts = asString(value).split(asString(old));
  if (typeof count !== 'number' || count < 0) return parts.join(asString(repl));
  return (
    parts.slice(0, count + 1).join(asString(repl)) + [''].concat(parts.slice(count + 1)).join(asString(old))
  );
}

export const CORE_FILTERS: Record<string, Filter> = {
  // default and mandatory exist to look at undefined values: not strict.
  default: defaultFilter,
  d: defaultFilter,
  mandatory,
  bool: strict((v) => ansibleBool(v)),
  int: strict(toInt),
  float: strict(toFloat),
  string: strict((v) => pyStr(v)),
  ternary: strict(ternary),
  type_debug: strict(typeDebug),
  b64encode: strict((v) => Buffer.from(asString(v), 'utf8').toString('base64')),
  b64decode: strict((v) => Buffer.from(asString(v), 'base64').toString('utf8')),
  hash: strict(hashFilter),
  checksum: strict((v) => hashFilter(v, 'sha1')),
  quote: strict(shellQuote),
  basename: strict(basename),
  dirname: strict(dirname),
  lower: strict((v) => asString(v).toLowerCase()),
  upper: strict((v) => asString(v).toUpperCase()),
  capitalize: strict((v) => {
    const s = asString(v);
    return s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();
  }),
  trim: strict((v, chars) => pyStrip(asString(v), chars, 'both')),
  replace: strict(replace),
  split: strict((v, sep, max) => pySplit(asString(v), sep, typeof max === 'number' ? max : -1)),
};
