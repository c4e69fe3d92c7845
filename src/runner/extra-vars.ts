import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { IngressError } from '../errors.js';
import { parseKeyValues } from './free-form.js';

function asMapping(value: unknown, where: string): Record<string, unknown> {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new IngressError('E_USAGE', `extra vars from ${where} must be a mapping`, {
      location: { file: where },
    });
  }
  return value as Record<string, unknown>;
}

async function fromFile(path: string, cwd: string): Promise<Record<string, unknown>> {
  const file = resolve(cwd, path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new IngressError('E_USAGE', `cannot read extra vars file ${file}`, {
      cause: err,
      location: { file },
    });
  }
  try {
    return asMapping(parse(text, { version: '1.1' }), file);
  } catch (err) {
    if (err instanceof IngressError) throw err;
    throw new IngressError('E_USAGE', `invalid YAML in ${file}`, { cause: err, location: { file } });
  }
}

/** One `-e` value: `@file.yml`, an inline JSON/YAML mapping, or `key=value` pairs (values stay strings, as in Ansible). */
async function parseOne(value: string, cwd: string): Promise<Record<string, unknown>> {
  if (value.startsWith('@')) return fromFile(value.slice(1), cwd);
  const trimmed = value.trim();
  if (trimmed.startsWith('{')) {
    try {
      return asMapping(parse(trimmed), '-e');
    } catch (err) {
      throw new IngressError('E_USAGE', `-e ${value}: invalid mapping`, {
        cause: err,
        location: { file: '-e' },
      });
    }
  }
  try {
    return parseKeyValues(value);
  } catch (err) {
    throw new IngressError('E_USAGE', `-e ${value}: ${(err as Error).message}`, {
      cause: err,
      location: { file: '-e' },
    });
  }
}

/** All `-e` values in order; later ones win. */
export async function parseExtraVars(
  values: readonly string[],
  cwd = process.cwd(),
): Promise<Record<string, unknown>> {
  const merged: Record<string, unknown> = {};
  for (const value of values) Object.assign(merged, await parseOne(value, cwd));
  return merged;
}
