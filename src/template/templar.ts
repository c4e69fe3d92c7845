import { pythonLiteral } from './python-literal.js';
import { IngressError } from '../errors.js';
import { DEFAULT_SYNTAX, type Syntax, TemplateEngine, splitHeader } from './engine.js';
import { OMIT } from './globals.js';
import { isPlainObject, pyTruthy } from './python.js';
import { LazyContext } from './runtime.js';
import { VarScope } from './scope.js';
import { templateError } from './template-error.js';
import { Unsafe, markUnsafe } from './unsafe.js';
import type { Templar } from './types.js';
import { TemplateUndefined, UndefinedVariableError } from './undefined.js';

export interface TemplarOptions {
  /** Where `lookup('file', …)`, `include` and `import` find files; default: the working directory. */
  searchPaths?: string[];
  /** What `lookup('env', …)` reads; default: process.env. */
  env?: Record<string, string | undefined>;
}

export { OMIT };

const TEMPLATE_MARK = /\{\{|\{%|\{#/;
/** A string that is exactly one `{{ expr }}` keeps the expression's native type. */
const SINGLE_EXPRESSION = /^\{\{(?![\s\S]*\{\{)([\s\S]*?)\}\}$/;
const TRUE_WORDS = new Set(['y', 'yes', 'on', '1', 'true', 't']);
const FALSE_WORDS = new Set(['n', 'no', 'off', '0', 'false', 'f', '', 'none']);
const LITERAL_CONDITIONS = new Map([
  ...['true', 'yes', 'on', '1'].map((w) => [w, true] as const),
  ...['false', 'no', 'off', '0'].map((w) => [w, false] as const),
]);

/**
 * nunjucks ends an expression at the first `}}`, even inside a dict literal
 * (`{'a': {'b': 1}}`); a bare expression is wrapped with an end tag that
 * cannot occur in it instead.
 */
const EXPRESSION_END = '\u0000}}';
const EXPRESSION_SYNTAX: Syntax = { ...DEFAULT_SYNTAX, tags: { variableEnd: EXPRESSION_END } };

function trailingNewlines(s: string): number {
  return s.length - s.replace(/\n+$/, '').length;
}

/** Ansible keeps as many trailing newlines as the source had (trim_blocks may eat one). */
function keepTrailingNewlines(source: string, output: string): string {
  const missing = trailingNewlines(source) - trailingNewlines(output);
  return missing > 0 ? output + '\n'.repeat(missing) : output;
}

/** The first undefined inside a native result (`{{ [x] }}`), if any. */
function findUndefined(value: unknown): TemplateUndefined | undefined {
  if (value instanceof TemplateUndefined) return value;
  const children = Array.isArray(value) ? value : isPlainObject(value) ? Object.values(value) : [];
  for (const child of children) {
    const found = findUndefined(child);
    if (found) return found;
  }
  return undefined;
}

/** How a `when:` result reads: strings like "false" and "no" are false, as Ansible's booleans. */
function conditionTruth(value: unknown): boolean {
  if (typeof value !== 'string') return pyTruthy(value);
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  return !FALSE_WORDS.has(word);
}

/**
 * Ansible 2.14 without jinja2_native: a rendered value whose text starts with `{`
 * or `[`, or is True/False, goes through ast.literal_eval (JSON's true/false/null
 * read too) and becomes that list, dict or bool; text it refuses stays text.
 */
export function literalResult(text: string): unknown {
  if (text === 'True') return true;
  if (text === 'False') return false;
  if (!text.startsWith('{') && !text.startsWith('[')) return text;
  const literal = pythonLiteral(text, { jsonWords: true });
  return literal.ok ? literal.value : text;
}

function renderIn(
  engine: TemplateEngine,
  source: string,
  scope: VarScope,
  sourceName?: string,
  syntax: Syntax = DEFAULT_SYNTAX,
): string {
  try {
    const output = engine.render(engine.compile(source, sourceName ?? '<template>', syntax), scope.child());
    return keepTrailingNewlines(source, output);
  } catch (err) {
    throw templateError(err, source, sourceName);
  }
}

function evaluateIn(
  engine: TemplateEngine,
  expression: string,
  scope: VarScope,
  shownAs = expression,
): unknown {
  let context: LazyContext;
  try {
    const tmpl = engine.compile(
      `{{ __ingress_capture((${expression}))${EXPRESSION_END}`,
      '<expression>',
      EXPRESSION_SYNTAX,
    );
    context = new LazyContext(engine.env, scope.child(), tmpl.blocks);
    engine.renderWith(tmpl, context);
  } catch (err) {
    throw templateError(err, shownAs);
  }
  const undef = findUndefined(context.captured);
  if (undef) throw templateError(new UndefinedVariableError(undef.message), shownAs);
  return context.captured;
}

function valueIn(engine: TemplateEngine, value: unknown, scope: VarScope): unknown {
  if (value instanceof Unsafe) {
    scope.markTainted();
    return value.value;
  }
  if (typeof value === 'string') {
    if (!TEMPLATE_MARK.test(value)) return value;
    const single = SINGLE_EXPRESSION.exec(value);
    const out = single ? evaluateIn(engine, single[1] ?? '', scope, value) : renderIn(engine, value, scope);
    return typeof out === 'string' ? literalResult(out) : out;
  }
  if (Array.isArray(value)) return value.map((v) => valueIn(engine, v, scope)).filter((v) => v !== OMIT);
  if (isPlainObject(value)) {
    const entries = Object.entries(value).map(
      ([k, v]) => [String(valueIn(engine, k, scope)), valueIn(engine, v, scope)] as const,
    );
    return Object.fromEntries(entries.filter(([, v]) => v !== OMIT));
  }
  return value;
}

/** Variables are rendered when read, so each scope renders with the same engine. */
function scopeFor(engine: TemplateEngine, vars: Record<string, unknown>): VarScope {
  return VarScope.create(vars, (value, scope) => valueIn(engine, value, scope));
}

function conditionIn(engine: TemplateEngine, condition: unknown, vars: Record<string, unknown>): boolean {
  if (condition === null || condition === undefined) return true;
  if (typeof condition === 'boolean') return condition;
  if (Array.isArray(condition)) return condition.every((c) => conditionIn(engine, c, vars));
  if (typeof condition !== 'string') return pyTruthy(condition);
  const literal = LITERAL_CONDITIONS.get(condition.trim().toLowerCase());
  if (literal !== undefined) return literal;
  // Each condition has its own scope, so host data read by one taints only that one.
  const scope = scopeFor(engine, vars);
  try {
    // A templated condition is rendered first, then read as an expression, as Ansible does.
    const expression = TEMPLATE_MARK.test(condition) ? valueIn(engine, condition, scope) : condition;
    // Host data is never read as an expression, only for its truth.
    if (typeof expression !== 'string' || scope.tainted) return conditionTruth(expression);
    const asWord = LITERAL_CONDITIONS.get(expression.trim().toLowerCase());
    if (asWord !== undefined || expression.trim() === '') return asWord ?? false;
    return conditionTruth(evaluateIn(engine, expression, scope, condition));
  } catch (err) {
    if (!(err instanceof IngressError)) throw err;
    throw new IngressError('E_TEMPLATE', `The conditional check '${condition}' failed: ${err.message}`, {
      cause: err,
    });
  }
}

export function createTemplar(options: TemplarOptions = {}): Templar {
  const engine = new TemplateEngine({
    searchPaths: options.searchPaths ?? [process.cwd()],
    env: options.env ?? process.env,
  });
  return {
    renderText(source, vars, sourceName) {
      const { body, syntax } = splitHeader(source);
      return renderIn(engine, body, scopeFor(engine, vars), sourceName, syntax);
    },
    renderValue: (value, vars) => valueIn(engine, value, scopeFor(engine, vars)),
    renderData(value, vars) {
      const scope = scopeFor(engine, vars);
      const rendered = valueIn(engine, value, scope);
      return scope.tainted ? markUnsafe(rendered) : rendered;
    },
    evaluate: (expression, vars) => evaluateIn(engine, expression, scopeFor(engine, vars)),
    isTrue: (condition, vars) => conditionIn(engine, condition, vars),
  };
}
