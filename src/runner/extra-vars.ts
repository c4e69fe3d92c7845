import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadAnsibleYaml } from '../yaml/ansible-yaml.js';
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
  return asMapping(loadAnsibleYaml(text, file, 'E_USAGE'), file);
}

/** One `-e` value: `@file.yml`, an inline JSON/YAML mapping, or `key=value` pairs (values stay strings, as in Ansible). */
async function parseOne(value: string, cwd: string): Promise<Record<string, unknown>> {
  if (value.startsWith('@')) return fromFile(value.slice(1), cwd);
  const trimmed = value.trim();
  if (trimmed.startsWith('{')) {
    // The same YAML rules as a file given with -e @file: 0644 is 420 either way.
    return asMapping(loadAnsibleYaml(trimmed, '-e', 'E_USAGE'), '-e');
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
