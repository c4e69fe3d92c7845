import { isNode } from 'yaml';
import type { Document, LineCounter } from 'yaml';
import { IngressError } from '../errors.js';
import { parseAnsibleYaml } from './ansible-yaml.js';

export type FieldPath = readonly (string | number)[];

/** Reads typed fields from a YAML document; every error names file, line and dotted field. */
export class ConfigReader {
  private constructor(
    private readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  static parse(text: string, file: string): ConfigReader {
    const { doc, lines } = parseAnsibleYaml(text, file, 'E_CONFIG');
    return new ConfigReader(file, doc, lines);
  }

  fail(path: FieldPath, message: string): never {
    throw new IngressError('E_CONFIG', message, {
      location: { file: this.file, line: this.lineOf(path), field: fieldName(path) },
    });
  }

  /** The line of the deepest node along path that exists, so a missing key points at its parent. */
  private lineOf(path: FieldPath): number | undefined {
    for (let depth = path.length; depth >= 0; depth -= 1) {
      const node: unknown = depth === 0 ? this.doc.contents : this.doc.getIn(path.slice(0, depth), true);
      if (isNode(node) && node.range) return this.lines.linePos(node.range[0]).line;
    }
    return undefined;
  }

  raw(path: FieldPath): unknown {
    const value: unknown = path.length === 0 ? this.doc.toJS() : this.doc.getIn(path, false);
    return isNode(value) ? value.toJSON() : value;
  }

  has(path: FieldPath): boolean {
    return this.raw(path) !== undefined && this.raw(path) !== null;
  }

  str(path: FieldPath, fallback?: string): string {
    const value = this.raw(path);
    if (value === undefined || value === null) {
      if (fallback !== undefined) return fallback;
      return this.fail(path, 'is required');
    }
    if (typeof value !== 'string' || value === '') this.fail(path, 'must be a non-empty string');
    return value;
  }

  oneOf<T extends string>(path: FieldPath, allowed: readonly T[], fallback?: T): T {
    const value = this.str(path, fallback);
    if (!(allowed as readonly string[]).includes(value)) {
      this.fail(path, `must be one of ${allowed.join(', ')} (got "${value}")`);
    }
    return value as T;
  }

  int(path: FieldPath, fallback: number | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const value = this.raw(path);
    if (value === undefined || value === null) {
      if (fallback !== undefined) return fallback;
      return this.fail(path, 'is required');
    }
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(path, `must be an integer between ${min} and ${max}`);
    }
    return value;
  }

  list(path: FieldPath, required = false): number {
    const value = this.raw(path);
    if (value === undefined || value === null) {
      if (required) this.fail(path, 'is required (a list)');
      return 0;
    }
    if (!Array.isArray(value)) this.fail(path, 'must be a list');
    return value.length;
  }

  strList(path: FieldPath, required = false): string[] {
    const count = this.list(path, required);
    return Array.from({ length: count }, (_, i) => this.str([...path, i]));
  }

  requireMap(path: FieldPath): void {
    const value = this.raw(path);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.fail(path, 'must be a mapping');
    }
  }
}

export function fieldName(path: FieldPath): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}
