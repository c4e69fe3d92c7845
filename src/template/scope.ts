import { IngressError } from '../errors.js';

/** Marks a name the scope does not hold (distinct from a var set to null). */
export const NOT_FOUND: unique symbol = Symbol('not-found');

/** Templates a variable's raw value (strings, lists, maps) within a scope. */
export type ValueResolver = (value: unknown, scope: VarScope) => unknown;

interface LazyVars {
  readonly vars: Record<string, unknown>;
  readonly resolve: ValueResolver;
  readonly cache: Map<string, unknown>;
  /** Names being resolved now, outermost first: a repeat is a cycle. */
  readonly resolving: string[];
  readonly annotated: WeakSet<object>;
  /** Host data (an Unsafe value) was read during this render. */
  tainted: boolean;
  base?: VarScope;
}

/**
 * Variables as Ansible has them: a var's value may itself be a template
 * (`a: "{{ b }}-x"`), templated when first read and cached for this render.
 * Template-local `{% set %}` names live in overlays on top of the vars.
 */
export class VarScope {
  private readonly overlay = new Map<string, unknown>();

  private constructor(
    private readonly lazy: LazyVars,
    private readonly parent: VarScope | undefined,
  ) {}

  static create(vars: Record<string, unknown>, resolve: ValueResolver): VarScope {
    const lazy: LazyVars = {
      vars,
      resolve,
      cache: new Map(),
      resolving: [],
      annotated: new WeakSet(),
      tainted: false,
    };
    const base = new VarScope(lazy, undefined);
    lazy.base = base;
    return base;
  }

  /** A scope that sees this one's names and keeps its own `set`s to itself. */
  child(): VarScope {
    return new VarScope(this.lazy, this);
  }

  /** A scope over the same vars with no template-local names. */
  fresh(): VarScope {
    return this.lazy.base ?? this;
  }

  /** Records that host data went into what is being rendered. */
  markTainted(): void {
    this.lazy.tainted = true;
  }

  get tainted(): boolean {
    return this.lazy.tainted;
  }

  has(name: string): boolean {
    if (this.overlay.has(name)) return true;
    return this.parent ? this.parent.has(name) : Object.hasOwn(this.lazy.vars, name);
  }

  set(name: string, value: unknown): void {
    this.overlay.set(name, value);
  }

  get(name: string): unknown {
    if (this.overlay.has(name)) return this.overlay.get(name);
    return this.parent ? this.parent.get(name) : this.resolveVar(name);
  }

  private resolveVar(name: string): unknown {
    const { vars, cache, resolving } = this.lazy;
    if (cache.has(name)) return cache.get(name);
    if (!Object.hasOwn(vars, name)) return NOT_FOUND;
    const loopAt = resolving.indexOf(name);
    if (loopAt >= 0) {
      const chain = [...resolving.slice(loopAt), name].join(' -> ');
      throw new IngressError('E_TEMPLATE', `recursive loop detected in template variables: ${chain}`);
    }
    resolving.push(name);
    try {
      const value = this.lazy.resolve(vars[name] ?? null, this.fresh());
      cache.set(name, value);
      return value;
    } catch (err) {
      throw this.annotate(err);
    } finally {
      resolving.pop();
    }
  }

  /** Names the variables being resolved when a nested template failed, once. */
  private annotate(err: unknown): unknown {
    if (!(err instanceof IngressError) || this.lazy.annotated.has(err)) return err;
    if (err.message.startsWith('recursive loop')) {
      this.lazy.annotated.add(err);
      return err;
    }
    const chain = this.lazy.resolving.map((n) => `'${n}'`).join(' -> ');
    const wrapped = new IngressError(err.code, `${err.message} (while resolving variable ${chain})`, {
      cause: err,
      ...(err.location ? { location: err.location } : {}),
    });
    this.lazy.annotated.add(wrapped);
    return wrapped;
  }
}
