import { IngressError, type SourceLocation } from '../errors.js';

/** Turns nunjucks and filter errors into IngressError('E_TEMPLATE') with the line and text at fault. */

interface NunjucksError extends Error {
  lineno?: number;
  colno?: number;
}

const SNIPPET_MAX = 160;

function innermost(err: unknown): unknown {
  let current = err;
  while (
    current instanceof Error &&
    current.name === 'Template render error' &&
    current.cause instanceof Error
  ) {
    current = current.cause;
  }
  return current;
}

function snippet(source: string, line: number | undefined): string {
  const lines = source.split('\n');
  const text = lines.length === 1 || line === undefined ? source : (lines[line - 1] ?? source);
  const trimmed = text.trim();
  return trimmed.length > SNIPPET_MAX ? `${trimmed.slice(0, SNIPPET_MAX)}...` : trimmed;
}

export function templateError(err: unknown, source: string, sourceName?: string): IngressError {
  const inner = innermost(err);
  if (inner instanceof IngressError) return inner;
  const outer = err as NunjucksError;
  const line = typeof outer.lineno === 'number' && outer.lineno > 0 ? outer.lineno : undefined;
  const message = inner instanceof Error ? inner.message : String(inner);
  const multiline = source.includes('\n');
  const where = multiline && line !== undefined ? `line ${line}: ` : '';
  const location: SourceLocation | undefined =
    sourceName === undefined ? undefined : { file: sourceName, ...(line === undefined ? {} : { line }) };
  return new IngressError('E_TEMPLATE', `${message} (${where}"${snippet(source, line)}")`, {
    cause: err,
    ...(location ? { location } : {}),
  });
}
