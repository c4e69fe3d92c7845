import type { Entry, YamlSource } from './yaml-source.js';
import { entryError, toJs } from './yaml-source.js';

/** Typed readers for playbook keywords; each error names file, line and key. */

export function readBool(src: YamlSource, entry: Entry): boolean {
  const value = toJs(src, entry.node);
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false|yes|no)$/i.test(value)) return /^(true|yes)$/i.test(value);
  throw entryError(src, entry, `${entry.key} must be true or false`);
}

/** A boolean, or a template the runner renders per host (`ignore_errors: "{{ ansible_check_mode }}"`). */
export function readFlag(src: YamlSource, entry: Entry): boolean | string {
  const value = toJs(src, entry.node);
  if (typeof value === 'string' && containsTemplate(value)) return value;
  return readBool(src, entry);
}

export function readString(src: YamlSource, entry: Entry): string {
  const value = toJs(src, entry.node);
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw entryError(src, entry, `${entry.key} must be a string`);
}

/** A string or a list of strings, as `tags`, `notify` and `listen` accept. */
export function readStringList(src: YamlSource, entry: Entry): string[] {
  const value = toJs(src, entry.node);
  if (value === null || value === undefined) return [];
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [value];
  return list.map((item) => {
    if (typeof item !== 'string' && typeof item !== 'number') {
      throw entryError(src, entry, `${entry.key} must be a string or a list of strings`);
    }
    return String(item).trim();
  });
}

export function readVars(src: YamlSource, entry: Entry): Record<string, unknown> {
  const value = toJs(src, entry.node);
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw entryError(src, entry, `${entry.key} must be a mapping of variables`);
  }
  return value as Record<string, unknown>;
}

/** Conditions (`when`, `changed_when`...) stay raw; the templar evaluates them per host. */
export function readCondition(src: YamlSource, entry: Entry): unknown {
  return toJs(src, entry.node);
}

export function readConditionList(src: YamlSource, entry: Entry): unknown[] {
  const value = toJs(src, entry.node);
  return Array.isArray(value) ? value : [value];
}

export function readNumber(src: YamlSource, entry: Entry): number {
  const value = toJs(src, entry.node);
  const num = typeof value === 'string' ? Number(value.replace(/%$/, '')) : value;
  if (typeof num !== 'number' || !Number.isFinite(num) || num < 0) {
    throw entryError(src, entry, `${entry.key} must be a non-negative number`);
  }
  return num;
}

export function containsTemplate(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('{{') || value.includes('{%');
  if (Array.isArray(value)) return value.some(containsTemplate);
  if (value !== null && typeof value === 'object') return Object.values(value).some(containsTemplate);
  return false;
}
