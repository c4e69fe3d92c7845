import { jinjaSyntaxProblem } from './jinja-messages.js';
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute } from 'node:path';
import { type Filter, strict } from './args.js';
import { CORE_FILTERS } from './filters-core.js';
import { DATA_FILTERS } from './filters-data.js';
import { LIST_FILTERS } from './filters-lists.js';
import { NET_FILTERS, NET_TESTS } from './filters-net.js';
import { REGEX_FILTERS } from './filters-regex.js';
import { selectFilters } from './filters-select.js';
import { createGlobals, findFile } from './globals.js';
import {
  type NjEnvironment,
  type NjFrame,
  type NjTemplate,
  nj,
  njTransformer,
} from './nunjucks-internals.js';
import { LazyContext, ingressRuntime } from './runtime.js';
import { VarScope } from './scope.js';
import { TESTS } from './tests.js';
import { HELPERS, pythonize } from './transform.js';

/**
 * Compiles templates through our AST rewrite and renders them with our
 * runtime and lazy context. Owns the nunjucks Environment: filters, tests,
 * globals, and template loading (`include`, `import`, `extends`).
 */

export interface Syntax {
  trimBlocks: boolean;
  lstripBlocks: boolean;
  /** Overrides of nunjucks' tag delimiters (`variableEnd`, …). */
  tags?: Record<string, string>;
}

/** A template that does not parse; `lineno` counts from 1. */
export class TemplateSyntaxError extends Error {
  constructor(
    message: string,
    readonly lineno: number | undefined,
    options?: ErrorOptions,
    readonly colno?: number,
  ) {
    const where =
      lineno === undefined ? '' : ` (line ${lineno}${colno === undefined ? '' : `, column ${colno}`})`;
    super(`template syntax error: ${message}${where}`, options);
    this.name = 'TemplateSyntaxError';
  }
}

/** Ansible's template defaults. */
export const DEFAULT_SYNTAX: Syntax = { trimBlocks: true, lstripBlocks: false };

export interface EngineOptions {
  searchPaths: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
}

const CACHE_LIMIT = 2000;

type Callback = (err: unknown, result?: unknown) => void;

export class TemplateEngine {
  readonly env: NjEnvironment;
  private readonly cache = new Map<string, NjTemplate>();

  constructor(private readonly options: EngineOptions) {
    this.env = new nj.Environment([], { autoescape: false, ...toLexerOpts(DEFAULT_SYNTAX) });
    this.registerAll();
    this.env.getTemplate = (name, _eager, parentName, ignoreMissing, cb) =>
      this.loadTemplate(name, parentName, ignoreMissing === true, cb as Callback);
  }

  private registerAll(): void {
    const env = this.env as NjEnvironment & {
      filters: Record<string, Filter>;
      tests: Record<string, Filter>;
    };
    // Builtins we do not replace still raise on undefined input.
    for (const [name, fn] of Object.entries(env.filters)) env.addFilter(name, strict(fn));
    for (const [name, fn] of Object.entries(env.tests)) env.addTest(name, strict(fn));
    const filters = { ...CORE_FILTERS, ...DATA_FILTERS, ...REGEX_FILTERS, ...LIST_FILTERS, ...NET_FILTERS };
    for (const [name, fn] of Object.entries({ ...filters, ...selectFilters(this.env) })) {
      env.addFilter(name, fn);
      if (!name.includes('.')) env.addFilter(`ansible.builtin.${name}`, fn);
    }
    for (const [name, fn] of Object.entries({ ...TESTS, ...NET_TESTS })) {
      env.addTest(name, fn);
      if (!name.includes('.')) env.addTest(`ansible.builtin.${name}`, fn);
    }
    const globals = createGlobals({
      ...this.options,
      renderFile: (path, context) => this.render(this.compileFile(path), context.scope.child()),
    });
    for (const [name, value] of Object.entries({ ...globals, ...HELPERS })) env.addGlobal(name, value);
  }

  /** Compiles (or reuses) a template from source text. */
  compile(source: string, name: string, syntax: Syntax = DEFAULT_SYNTAX): NjTemplate {
    const key = `${JSON.stringify(syntax)}:${name}\0${source}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const props = this.compileCode(source, name, syntax);
    const tmpl = new nj.Template({ type: 'code', obj: props }, this.env, name);
    tmpl.compile();
    this.attachNested(tmpl);
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(key, tmpl);
    return tmpl;
  }

  private compileCode(source: string, name: string, syntax: Syntax): unknown {
    try {
      const ast = nj.parser.parse(trimComments(source, syntax), this.env.extensionsList, {
        ...this.env.opts,
        ...toLexerOpts(syntax),
      });
      const compiler = new nj.compiler.Compiler(name, false);
      compiler.compile(njTransformer.transform(pythonize(ast), this.env.asyncFilters, name));
      return new Function(compiler.getCode())() as unknown;
    } catch (err) {
      const problem = jinjaSyntaxProblem(err, source);
      throw new TemplateSyntaxError(problem.message, problem.line, { cause: err }, problem.column);
    }
  }

  compileFile(path: string): NjTemplate {
    const { body, syntax } = splitHeader(readFileSync(path, 'utf8'));
    return this.compile(body, `${path}@${statSync(path).mtimeMs}`, syntax);
  }

  /** Renders a compiled template; the context is returned for captured values. */
  renderWith(tmpl: NjTemplate, context: LazyContext, frame?: NjFrame): string {
    const top = frame ?? new nj.runtime.Frame();
    top.topLevel = true;
    let output = '';
    let failure: { err: unknown } | undefined;
    tmpl.rootRenderFunc(this.env, context, top, ingressRuntime, (err, result) => {
      // Compiled templates may call back twice after an error; the first wins.
      if (failure) return;
      if (err) failure = { err };
      else output = result ?? '';
    });
    if (failure) throw failure.err;
    return output;
  }

  render(tmpl: NjTemplate, scope: VarScope): string {
    return this.renderWith(tmpl, new LazyContext(this.env, scope, tmpl.blocks));
  }

  /** include/import/extends render nested templates through these hooks. */
  private attachNested(tmpl: NjTemplate): void {
    const scopeOf = (ctx: unknown): VarScope =>
      ctx instanceof VarScope ? ctx.child() : VarScope.create({}, (value) => value);
    tmpl.render = (ctx: unknown, parentFrame: unknown, cb?: unknown) => {
      const frame = parentFrame ? (parentFrame as NjFrame).push(true) : undefined;
      const context = new LazyContext(this.env, scopeOf(ctx), tmpl.blocks);
      this.settle(() => this.renderWith(tmpl, context, frame), cb as Callback);
    };
    tmpl.getExported = (...args: unknown[]) => {
      const cb = args.pop() as Callback;
      const [ctx, parentFrame] = args;
      const frame = parentFrame ? (parentFrame as NjFrame).push() : undefined;
      const context = new LazyContext(this.env, scopeOf(ctx), tmpl.blocks);
      this.settle(() => (this.renderWith(tmpl, context, frame), context.getExported()), cb);
    };
  }

  private settle(work: () => unknown, cb: Callback): void {
    let result: unknown;
    try {
      result = work();
    } catch (err) {
      cb(err);
      return;
    }
    cb(null, result);
  }

  private loadTemplate(name: unknown, parentName: unknown, ignoreMissing: boolean, cb: Callback): void {
    const path = typeof name === 'string' ? this.locate(name, parentName) : undefined;
    if (path === undefined) {
      if (ignoreMissing) this.settle(() => this.compile('', '(missing)'), cb);
      else cb(new Error(`template not found: ${String(name)}`));
      return;
    }
    this.settle(() => this.compileFile(path), cb);
  }

  /** Relative names resolve next to the including template, then on the search paths. */
  private locate(name: string, parentName: unknown): string | undefined {
    if (isAbsolute(name)) return findFile([], name);
    const parentPath = typeof parentName === 'string' ? parentName.replace(/@[\d.]+$/, '') : '';
    const near = isAbsolute(parentPath) ? [dirname(parentPath)] : [];
    return findFile([...near, ...this.options.searchPaths], name);
  }
}

/** Jinja2's trim_blocks also eats the newline after a comment; nunjucks' lexer does not. */
export function trimComments(source: string, syntax: Syntax): string {
  return syntax.trimBlocks ? source.replace(/(\{#[\s\S]*?#\})\r?\n/g, '$1') : source;
}

function toLexerOpts(syntax: Syntax): Record<string, unknown> {
  return { trimBlocks: syntax.trimBlocks, lstripBlocks: syntax.lstripBlocks, tags: syntax.tags ?? {} };
}

/** Ansible's `#jinja2: trim_blocks: False, lstrip_blocks: True` first line. */
export function splitHeader(source: string): { body: string; syntax: Syntax } {
  if (!source.startsWith('#jinja2:')) return { body: source, syntax: DEFAULT_SYNTAX };
  const eol = source.indexOf('\n');
  const line = source.slice('#jinja2:'.length, eol < 0 ? undefined : eol);
  const syntax = { ...DEFAULT_SYNTAX };
  for (const pair of line.split(',')) {
    const [key = '', value = ''] = pair.split(':').map((s) => s.trim());
    const flag = value.toLowerCase() === 'true';
    if (key === 'trim_blocks') syntax.trimBlocks = flag;
    if (key === 'lstrip_blocks') syntax.lstripBlocks = flag;
  }
  return { body: eol < 0 ? '' : source.slice(eol + 1), syntax };
}
