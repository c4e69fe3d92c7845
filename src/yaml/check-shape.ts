import { IngressError } from '../errors.js';
import type { Field, ScalarShape, Shape } from './shape.js';
import { scalarProblem } from './scalars.js';

export type Step = string | number;

/** The 1-based line of the value at a path, or undefined when the source cannot tell. */
export type LineFinder = (path: readonly Step[]) => number | undefined;

/**
 * One value being checked: its file, how to find the line of a path in it, the path
 * there and the value's name for messages ('' for a whole document).
 */
export interface ShapeAt {
  file: string;
  lineAt: LineFinder;
  path: Step[];
  field: string;
}

/** The value shown in a message: JSON, cut short so a long value cannot drown the message. */
export function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** "FIELD MESSAGE" at the value's file, line and field; a whole document is "the file". */
export function shapeError(at: ShapeAt, message: string): IngressError {
  const line = at.lineAt(at.path);
  return new IngressError('E_CONFIG', `${at.field || 'the file'} ${message}`, {
    location: {
      file: at.file,
      ...(line === undefined ? {} : { line }),
      ...(at.field === '' ? {} : { field: at.field }),
    },
  });
}

/** The name of a step below at: `a.b`, `a[0]`, and `b` at the top of a document. */
export function fieldBelow(field: string, step: Step): string {
  if (typeof step === 'number') return `${field}[${step}]`;
  return field === '' ? step : `${field}.${step}`;
}

function inside(at: ShapeAt, step: Step): ShapeAt {
  return { ...at, path: [...at.path, step], field: fieldBelow(at.field, step) };
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkObject(value: unknown, fields: Record<string, Field>, at: ShapeAt): void {
  if (!isMapping(value)) throw shapeError(at, 'must be a mapping');
  for (const [key, item] of Object.entries(value)) {
    const spec = fields[key];
    if (!spec) throw shapeError(inside(at, key), `unknown key (known: ${Object.keys(fields).join(', ')})`);
    checkShape(item, spec.shape, inside(at, key));
  }
  for (const [key, spec] of Object.entries(fields)) {
    // A missing key has no line of its own: its mapping's line.
    if (spec.required && !Object.hasOwn(value, key))
      throw shapeError({ ...inside(at, key), path: at.path }, 'is required');
  }
}

function checkList(value: unknown, shape: Extract<Shape, { kind: 'list' }>, at: ShapeAt): void {
  if (!Array.isArray(value)) throw shapeError(at, 'must be a list');
  const seen = new Map<string, number>();
  value.forEach((item: unknown, index) => {
    checkShape(item, shape.of, inside(at, index));
    if (!shape.uniqueBy || !isMapping(item)) return;
    const key = String(item[shape.uniqueBy] ?? '').toLowerCase();
    const before = seen.get(key);
    if (before !== undefined)
      throw shapeError(
        { ...inside(inside(at, index), shape.uniqueBy), path: [...at.path, index] },
        `duplicate "${key}" (also at ${at.field}[${before}])`,
      );
    seen.set(key, index);
  });
}

function checkScalar(value: unknown, shape: ScalarShape, at: ShapeAt): void {
  if (typeof value === 'object' && value !== null) throw shapeError(at, 'must be a single value');
  const problem = scalarProblem(shape, value);
  if (problem) throw shapeError(at, `${problem}, got ${shown(value)}`);
}

/** Throws E_CONFIG at the first value that does not fit its shape, naming file, line and field. */
export function checkShape(value: unknown, shape: Shape, at: ShapeAt): void {
  if (shape.kind === 'object') return checkObject(value, shape.fields, at);
  if (shape.kind === 'list') return checkList(value, shape, at);
  if (shape.kind === 'one-or-list') {
    if (!Array.isArray(value)) return checkShape(value, shape.of, at);
    if (value.length === 0) throw shapeError(at, 'must be one value or a non-empty list, got []');
    return checkList(value, { kind: 'list', of: shape.of }, at);
  }
  return checkScalar(value, shape, at);
}
