/**
 * nunjucks' parser words its errors its own way, and on some truncated input fails with
 * a bare TypeError. Users write Jinja2, so they get Jinja2's wording, with line and column.
 */

export interface SyntaxProblem {
  message: string;
  line: number | undefined;
  column: number | undefined;
}

const TOKEN_NAMES: Record<string, string> = {
  'variable-end': 'end of print statement',
  'block-end': 'end of statement block',
  '}}': 'end of print statement',
  '%}': 'end of statement block',
  'end of file': 'end of template',
};

const tokenName = (raw: string): string => TOKEN_NAMES[raw] ?? raw;

/** Where the source ends, 1-based, as Jinja2 reports an unexpected end. */
function endOf(source: string): { line: number; column: number } {
  const lines = source.split('\n');
  return { line: lines.length, column: (lines[lines.length - 1] ?? '').length + 1 };
}

function unexpectedEnd(source: string, expected?: string): SyntaxProblem {
  const end = endOf(source);
  const message = `unexpected end of template${expected ? `, expected '${expected}'.` : ''}`;
  return { message, ...end };
}

type Rule = (match: RegExpExecArray, source: string, at: SyntaxProblem) => SyntaxProblem;

const RULES: Array<[RegExp, Rule]> = [
  [
    /^Cannot read properties of (null|undefined)/,
    // Seen after a trailing filter bar; elsewhere only the end itself is known.
    (_m, source) => unexpectedEnd(source, source.trimEnd().endsWith('|') ? 'name' : undefined),
  ],
  [
    /^expected (variable|block) end$/,
    (m, source, at) =>
      atEnd(source, at)
        ? unexpectedEnd(source, tokenName(`${m[1]}-end`))
        : { ...at, message: `expected token '${tokenName(`${m[1]}-end`)}'` },
  ],
  [/^expected symbol, got (\S+)$/, (m, _s, at) => ({ ...at, message: gotMessage('name', m[1]) })],
  [/^unexpected token: (.+)$/, (m, source, at) => unexpectedToken(m[1] ?? '', source, at)],
  [/^unexpected end of file$/, (_m, source) => unclosedBlock(source)],
  [
    /^parse(\w+): expected (.+), got end of file$/,
    (m, source) => ({
      ...endOf(source),
      message:
        `Unexpected end of template. Jinja was looking for the following tags: ` +
        `${(m[2] ?? '')
          .split(/,? or |, /)
          .map((tag) => `'${tag}'`)
          .join(' or ')}. ` +
        `The innermost block that needs to be closed is '${(m[1] ?? '').toLowerCase()}'.`,
    }),
  ],
];

const CLOSERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/** Jinja2 reads `}}` inside an open bracket as `}`, and names the closer it wanted. */
function unexpectedToken(token: string, source: string, at: SyntaxProblem): SyntaxProblem {
  const line = source.split('\n')[(at.line ?? 1) - 1] ?? '';
  const upTo = line.slice(line.lastIndexOf('{{') + 2, Math.max(0, (at.column ?? line.length) - 1));
  const open: string[] = [];
  for (const ch of upTo) {
    if (CLOSERS[ch]) open.push(ch);
    else if (Object.values(CLOSERS).includes(ch)) open.pop();
  }
  const innermost = open[open.length - 1];
  if (token === '}}' && innermost && innermost !== '{') {
    return { ...at, message: `unexpected '}', expected '${CLOSERS[innermost] ?? ''}'` };
  }
  return { ...at, message: `unexpected '${tokenName(token)}'` };
}

const BLOCK_TAGS = new Set(['for', 'if', 'macro', 'call', 'filter', 'block', 'raw', 'with']);
const NEXT_TAGS: Record<string, string[]> = { for: ['endfor', 'else'], if: ['elif', 'else', 'endif'] };

/** The innermost block left open at the end, found the way Jinja2 reports it. */
function unclosedBlock(source: string): SyntaxProblem {
  const open: string[] = [];
  for (const [, name = '', rest = ''] of source.matchAll(/\{%[-+]?\s*(\w+)([^%]*)%\}/g)) {
    if (BLOCK_TAGS.has(name) || (name === 'set' && !rest.includes('='))) open.push(name);
    else if (name.startsWith('end')) open.pop();
  }
  const tag = open[open.length - 1];
  if (tag === undefined) return unexpectedEnd(source);
  const wanted = (NEXT_TAGS[tag] ?? [`end${tag}`]).map((t) => `'${t}'`).join(' or ');
  return {
    ...endOf(source),
    message:
      `Unexpected end of template. Jinja was looking for the following tags: ${wanted}. ` +
      `The innermost block that needs to be closed is '${tag}'.`,
  };
}

function gotMessage(expected: string, got: string | undefined): string {
  return `expected token '${expected}', got '${tokenName(got ?? '')}'`;
}

/** nunjucks reports a truncated expression at or past the last character. */
function atEnd(source: string, at: SyntaxProblem): boolean {
  const end = endOf(source);
  if (at.line === undefined) return true;
  return at.line > end.line || (at.line === end.line && (at.column ?? 0) >= end.column - 1);
}

export function jinjaSyntaxProblem(err: unknown, source: string): SyntaxProblem {
  const raw = err as Error & { lineno?: number; colno?: number };
  const at: SyntaxProblem = {
    message: raw.message,
    line: typeof raw.lineno === 'number' ? raw.lineno : undefined,
    column: typeof raw.colno === 'number' ? raw.colno : undefined,
  };
  for (const [pattern, rule] of RULES) {
    const match = pattern.exec(raw.message);
    if (match) return rule(match, source, at);
  }
  return at;
}
