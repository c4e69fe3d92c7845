import { IngressError } from '../errors.js';

/** Raw task arguments as the runner hands them over (already templated). */
export type RawArgs = Record<string, unknown>;

/**
 * Validation errors name the module as `file` and the argument as `field`; the
 * runner knows the task's real file and line and may re-wrap with them.
 */
export function argError(module: string, field: string, message: string): IngressError {
  return new IngressError('E_VALIDATION', `${module}: ${field}: ${message}`, {
    location: { file: module, field },
  });
}

/** Ansible rejects unknown parameters, which catches typos early; so do we. */
export function checkKnown(module: string, args: RawArgs, known: readonly string[]): void {
  for (const key of Object.keys(args)) {
    if (!known.includes(key)) {
      throw argError(module, key, `unsupported parameter (known: ${[...known].sort().join(', ')})`);
    }
  }
}

export function optString(module: string, args: RawArgs, field: string): string | undefined {
  const value = args[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw argError(module, field, `must be a string, got ${typeof value}`);
}

export function reqString(module: string, args: RawArgs, field: string): string {
  const value = optString(module, args, field);
  if (value === undefined || value === '') throw argError(module, field, 'is required');
  return value;
}

const TRUE_WORDS = new Set(['yes', 'true', 'on', '1', 'y']);
const FALSE_WORDS = new Set(['no', 'false', 'off', '0', 'n']);

/** Booleans as Ansible accepts them: true/false, yes/no, on/off, 1/0. */
export function optBool(module: string, args: RawArgs, field: string): boolean | undefined {
  const value = args[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' && (value === 0 || value === 1)) return value === 1;
  if (typeof value === 'string') {
    const word = value.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
  }
  throw argError(module, field, `must be a boolean, got ${JSON.stringify(value)}`);
}

export function optNumber(module: string, args: RawArgs, field: string): number | undefined {
  const value = args[field];
  if (value === undefined || value === null) return undefined;
  const num = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof num === 'number' && Number.isFinite(num) && num >= 0) return num;
  throw argError(module, field, `must be a non-negative number, got ${JSON.stringify(value)}`);
}

export function optEnum<T extends string>(
  module: string,
  args: RawArgs,
  field: string,
  choices: readonly T[],
): T | undefined {
  const value = optString(module, args, field);
  if (value === undefined) return undefined;
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw argError(module, field, `must be one of ${choices.join(', ')}, got ${JSON.stringify(value)}`);
}

/** A list given as a YAML list or a comma-separated string, as Ansible's `list` type. */
export function optStringList(module: string, args: RawArgs, field: string): string[] | undefined {
  const value = args[field];
  if (value === undefined || value === null) return undefined;
  const items = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(items)) throw argError(module, field, 'must be a list of strings');
  return items.map((item, i) => {
    if (typeof item !== 'string' && typeof item !== 'number') {
      throw argError(module, `${field}[${i}]`, 'must be a string');
    }
    return String(item).trim();
  });
}

/** The first present key of aliases (Ansible's `name`/`pkg`, `path`/`dest`). */
export function aliased(args: RawArgs, canonical: string, aliases: readonly string[]): RawArgs {
  const found = aliases.find((a) => args[a] !== undefined);
  if (found === undefined || args[canonical] !== undefined) return args;
  const copy: RawArgs = { ...args, [canonical]: args[found] };
  delete copy[found];
  return copy;
}
