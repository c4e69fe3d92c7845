import { nj, type NjEnvironment, type NjFrame } from './nunjucks-internals.js';
import { pythonMethod, pySlice } from './python-methods.js';
import { isPlainObject, pyEquals, pyStr } from './python.js';
import type { VarScope } from './scope.js';
import { TemplateUndefined, assertDefined, isUndefined, undefinedName } from './undefined.js';

/**
 * The runtime object handed to compiled templates in place of nunjucks' own:
 * lookups yield TemplateUndefined instead of `undefined`, attribute access
 * follows Jinja2 (Python methods, negative indexes, slices), and variables
 * come from a lazy VarScope.
 */

type Block = (...args: unknown[]) => void;

const LITERALS: Record<string, unknown> = { True: true, False: false, None: null };

/** The context compiled templates read names from; backed by a VarScope. */
export class LazyContext {
  readonly blocks: Record<string, Block[]> = {};
  private readonly exported: string[] = [];
  /** Where `__ingress_capture` leaves the native value of an expression. */
  captured: unknown = undefined;

  constructor(
    readonly env: NjEnvironment,
    readonly scope: VarScope,
    blocks: Record<string, unknown>,
  ) {
    for (const [name, block] of Object.entries(blocks)) this.addBlock(name, block as Block);
  }

  lookup(name: string): unknown {
    if (this.scope.has(name)) return this.scope.get(name) ?? null;
    if (Object.hasOwn(this.env.globals, name)) return this.env.globals[name];
    if (Object.hasOwn(LITERALS, name)) return LITERALS[name];
    return undefinedName(name);
  }

  setVariable(name: string, value: unknown): void {
    this.scope.set(name, value);
  }

  getVariables(): VarScope {
    return this.scope;
  }

  addBlock(name: string, block: Block): this {
    (this.blocks[name] ??= []).push(block);
    return this;
  }

  getBlock(name: string): Block {
    const block = this.blocks[name]?.[0];
    if (!block) throw new Error(`unknown block "${name}"`);
    return block;
  }

  getSuper(env: unknown, name: string, block: Block, frame: unknown, runtime: unknown, cb: unknown): void {
    const blocks = this.blocks[name] ?? [];
    const next = blocks[blocks.indexOf(block) + 1];
    if (blocks.indexOf(block) < 0 || !next) throw new Error(`no super block available for "${name}"`);
    next(env, this, frame, runtime, cb);
  }

  addExport(name: string): void {
    this.exported.push(name);
  }

  getExported(): Record<string, unknown> {
    return Object.fromEntries(this.exported.map((name) => [name, this.scope.get(name)]));
  }
}

function typeName(obj: unknown): string {
  if (Array.isArray(obj)) return 'list';
  if (typeof obj === 'string') return 'str';
  if (typeof obj === 'number') return Number.isInteger(obj) ? 'int' : 'float';
  if (typeof obj === 'boolean') return 'bool';
  return 'dict';
}

function indexLookup(obj: string | unknown[], key: number): unknown {
  const i = key < 0 ? obj.length + key : key;
  if (i >= 0 && i < obj.length) return obj[i];
  return new TemplateUndefined(`${typeName(obj)} object has no element ${key}`);
}

/** Jinja2's getattr/getitem: data first, then Python methods. */
export function memberLookup(obj: unknown, key: unknown, ...slice: unknown[]): unknown {
  if (isUndefined(obj)) return obj;
  if (slice.length === 2) return pySlice(obj, key, slice[0], slice[1]);
  if (obj === null || obj === undefined)
    return new TemplateUndefined(`'None' has no attribute '${String(key)}'`);
  if (typeof key === 'number' && Number.isInteger(key) && (Array.isArray(obj) || typeof obj === 'string')) {
    return indexLookup(obj, key);
  }
  const name = String(assertDefined(key));
  if (typeof obj === 'object' && Object.hasOwn(obj, name)) {
    return (obj as Record<string, unknown>)[name] ?? null;
  }
  const method = pythonMethod(obj, name);
  if (method) return method;
  if (typeof obj === 'object' && !isPlainObject(obj) && !Array.isArray(obj)) {
    const member = (obj as Record<string, unknown>)[name];
    if (typeof member === 'function') return (...args: unknown[]) => member.apply(obj, args) as unknown;
  }
  return new TemplateUndefined(`'${typeName(obj)} object' has no attribute '${name}'`);
}

/** How a value prints in output: None prints empty, as Ansible finalizes it. */
export function toOutput(value: unknown): string {
  assertDefined(value);
  if (value === null || value === undefined) return '';
  if (value instanceof nj.runtime.SafeString) return String(value);
  return pyStr(value);
}

function inOperator(key: unknown, container: unknown): boolean {
  assertDefined(key);
  assertDefined(container);
  if (Array.isArray(container)) return container.some((item) => pyEquals(key, item));
  if (typeof container === 'string') return container.includes(pyStr(key));
  if (isPlainObject(container)) return Object.hasOwn(container, String(key));
  throw new Error(`argument of type '${typeName(container)}' is not iterable`);
}

export const ingressRuntime: Record<string, unknown> = {
  ...nj.runtime,
  contextOrFrameLookup(context: LazyContext, frame: NjFrame, name: string): unknown {
    const value = frame.lookup(name);
    return value !== undefined ? value : context.lookup(name);
  },
  memberLookup,
  callWrap(fn: unknown, name: string, context: unknown, args: unknown[]): unknown {
    if (isUndefined(fn)) fn.fail();
    if (typeof fn !== 'function') throw new Error(`'${name}' is not callable`);
    return (fn as (...a: unknown[]) => unknown).apply(context, args);
  },
  suppressValue: (value: unknown): string => toOutput(value),
  inOperator,
  // Compiled templates count lines from 0; report them from 1 as the parser does.
  handleError(error: Error & { lineno?: number }, lineno: number, colno: number): Error {
    return error.lineno ? error : new nj.lib.TemplateError(error as unknown as string, lineno + 1, colno + 1);
  },
};
