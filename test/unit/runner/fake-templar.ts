import nunjucks from 'nunjucks';
import { IngressError } from '../../../src/errors.js';
import type { Templar } from '../../../src/template/types.js';
import { stripUnsafe } from '../../../src/template/unsafe.js';

/**
 * A small Jinja2 stand-in on nunjucks for the runner's unit tests: undefined
 * names throw, a lone `{{ expr }}` keeps its native type, and values that are
 * themselves templates are rendered again (the real templar resolves lazily).
 */
const env = new nunjucks.Environment(null, { throwOnUndefined: true, autoescape: false });
const LONE = /^\s*\{\{(.*)\}\}\s*$/s;

function render(source: string, vars: Record<string, unknown>): string {
  try {
    return env.renderString(source, vars);
  } catch (err) {
    throw new IngressError('E_TEMPLATE', `template error: ${(err as Error).message}`, { cause: err });
  }
}

function evaluate(expression: string, vars: Record<string, unknown>): unknown {
  const json = render(`{{ (${expression}) | dump }}`, vars);
  const value: unknown = json === '' ? undefined : JSON.parse(json);
  return typeof value === 'string' && value.includes('{{') ? renderValue(value, vars) : value;
}

function renderValue(value: unknown, vars: Record<string, unknown>): unknown {
  if (typeof value === 'string') {
    const lone = LONE.exec(value);
    if (lone && !(lone[1] as string).includes('}}')) return evaluate(lone[1] as string, vars);
    return value.includes('{{') || value.includes('{%') ? renderValue(render(value, vars), vars) : value;
  }
  if (Array.isArray(value)) return value.map((v) => renderValue(v, vars));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderValue(v, vars)]));
  }
  return value;
}

function isTrue(condition: unknown, vars: Record<string, unknown>): boolean {
  if (Array.isArray(condition)) return condition.every((c) => isTrue(c, vars));
  if (typeof condition === 'boolean') return condition;
  if (typeof condition === 'string') {
    const lone = LONE.exec(condition);
    return Boolean(evaluate(lone ? (lone[1] as string) : condition, vars));
  }
  return Boolean(condition);
}

/** The fake ignores the host-data marks the runner puts on registered results and facts. */
const plain = (vars: Record<string, unknown>) => stripUnsafe(vars) as Record<string, unknown>;

export function fakeTemplar(): Templar {
  return {
    renderText: (source, vars) => render(source, plain(vars)),
    renderValue: (value, vars) => renderValue(value, plain(vars)),
    renderData: (value, vars) => renderValue(value, plain(vars)),
    evaluate: (expression, vars) => evaluate(expression, plain(vars)),
    isTrue: (condition, vars) => isTrue(condition, plain(vars)),
  };
}
