import { isMap, isNode, isScalar } from 'yaml';
import type { Document, LineCounter, Scalar } from 'yaml';
import { parseAnsibleYaml } from './ansible-yaml.js';
import { checkShape, fieldBelow, shapeError } from './check-shape.js';
import type { Shape } from './shape.js';

export type FieldPath = readonly (string | number)[];

/**
 * A program's YAML config (the health daemon's, the renewal agent's): parsed with
 * Ansible's rules and checked whole against its Shape first, so unknown keys, types and
 * ranges fail once, naming file, line and field. The readers then only apply defaults and
 * the rules between fields, failing through `fail` with the same file, line and field.
 */
export class ConfigReader {
  private constructor(
    private readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
    private readonly value: unknown,
  ) {}

  /** Parses and checks text against schema; throws E_CONFIG at the first problem. */
  static parse(text: string, file: string, schema: Shape): ConfigReader {
    const { doc, lines } = parseAnsibleYaml(text, file, 'E_CONFIG');
    const reader = new ConfigReader(file, doc, lines, withoutNulls(doc.toJS()));
    const lineAt = (path: FieldPath): number | undefined => reader.lineOf(path);
    checkShape(reader.value, schema, { file, lineAt, path: [], field: '' });
    return reader;
  }

  fail(path: FieldPath, message: string): never {
    const lineAt = (at: FieldPath): number | undefined => this.lineOf(at);
    throw shapeError({ file: this.file, lineAt, path: [...path], field: fieldName(path) }, message);
  }

  /**
   * The line of a key where the path ends at one (a block value starts a line below its key),
   * else of the deepest node along path that exists, so a missing key points at its parent.
   */
  private lineOf(path: FieldPath): number | undefined {
    const key = this.keyNode(path);
    if (key?.range) return this.lines.linePos(key.range[0]).line;
    for (let depth = path.length; depth >= 0; depth -= 1) {
      const node: unknown = depth === 0 ? this.doc.contents : this.doc.getIn(path.slice(0, depth), true);
      if (isNode(node) && node.range) return this.lines.linePos(node.range[0]).line;
    }
    return undefined;
  }

  private keyNode(path: FieldPath): Scalar | undefined {
    const last = path[path.length - 1];
    if (typeof last !== 'string') return undefined;
    const parent: unknown = path.length === 1 ? this.doc.contents : this.doc.getIn(path.slice(0, -1), true);
    if (!isMap(parent)) return undefined;
    const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === last);
    return pair && isScalar(pair.key) ? pair.key : undefined;
  }

  raw(path: FieldPath): unknown {
    let value = this.value;
    for (const step of path) {
      if (typeof value !== 'object' || value === null) return undefined;
      value = (value as Record<string | number, unknown>)[step];
    }
    return value;
  }

  has(path: FieldPath): boolean {
    return this.raw(path) !== undefined;
  }

  /*
   * The getters below trust the schema for the value's type: it rejects every key it does
   * not declare, so a key a reader asks for is either absent or of its declared kind.
   */

  /** A value the schema declared; fallback when absent, or E_CONFIG "is required" without one. */
  private typed<T>(path: FieldPath, fallback: T | undefined): T {
    const value = this.raw(path);
    if (value !== undefined) return value as T;
    if (fallback !== undefined) return fallback;
    return this.fail(path, 'is required');
  }

  str(path: FieldPath, fallback?: string): string {
    return this.typed(path, fallback);
  }

  int(path: FieldPath, fallback?: number): number {
    return this.typed(path, fallback);
  }

  /** Any number the schema allows (a share such as renewFraction). */
  num(path: FieldPath, fallback?: number): number {
    return this.typed(path, fallback);
  }

  bool(path: FieldPath, fallback: boolean): boolean {
    return this.typed(path, fallback);
  }

  /** A list's length, 0 when absent. */
  count(path: FieldPath): number {
    const value = this.raw(path);
    return Array.isArray(value) ? value.length : 0;
  }

  /** A list of strings, or one string as a list of one (`one-or-list`); [] when absent. */
  strList(path: FieldPath): string[] {
    const value = this.raw(path);
    if (value === undefined) return [];
    return Array.isArray(value) ? (value as string[]) : [value as string];
  }
}

/** A key without a value (`tls:`) is as if absent, as the readers have always taken it. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).filter(([, item]) => item !== null && item !== undefined);
  return Object.fromEntries(entries.map(([key, item]) => [key, withoutNulls(item)]));
}

export function fieldName(path: FieldPath): string {
  return path.reduce<string>((field, step) => fieldBelow(field, step), '');
}
