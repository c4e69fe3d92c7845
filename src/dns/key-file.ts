// Parses BIND key files, as written by `tsig-keygen` or by hand:
//   key "name" { algorithm hmac-sha256; secret "base64"; };
import { IngressError } from '../errors.js';
import type { TsigKey } from './types.js';

interface Token {
  text: string;
  quoted: boolean;
  line: number;
}

const TOKEN = /\/\*[\s\S]*?\*\/|\/\/[^\n]*|#[^\n]*|"((?:[^"\\]|\\.)*)"|([{};])|([^\s{};"]+)|(\s+)|(.)/g;

function tokenize(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  for (const m of text.matchAll(TOKEN)) {
    const [whole, quoted, punct, word, , stray] = m;
    if (stray !== undefined) fail(file, line, undefined, `unexpected character ${JSON.stringify(stray)}`);
    if (quoted !== undefined) tokens.push({ text: quoted.replace(/\\(.)/g, '$1'), quoted: true, line });
    else if (punct !== undefined || word !== undefined) {
      tokens.push({ text: (punct ?? word) as string, quoted: false, line });
    }
    line += whole.split('\n').length - 1;
  }
  return tokens;
}

function fail(file: string, line: number | undefined, field: string | undefined, message: string): never {
  throw new IngressError('E_CONFIG', `invalid TSIG key file: ${message}`, {
    location: { file, ...(line === undefined ? {} : { line }), ...(field ? { field } : {}) },
  });
}

class Cursor {
  private at = 0;
  constructor(
    private readonly tokens: Token[],
    readonly file: string,
  ) {}
  get done(): boolean {
    return this.at >= this.tokens.length;
  }
  get line(): number | undefined {
    return (this.tokens[this.at] ?? this.tokens.at(-1))?.line;
  }
  next(what: string): Token {
    const t = this.tokens[this.at++];
    if (!t) fail(this.file, this.line, undefined, `unexpected end of file, expected ${what}`);
    return t;
  }
  expect(punct: string): void {
    const t = this.next(`"${punct}"`);
    if (t.quoted || t.text !== punct) {
      fail(this.file, t.line, undefined, `expected "${punct}", found "${t.text}"`);
    }
  }
  peek(punct: string): boolean {
    const t = this.tokens[this.at];
    return t !== undefined && !t.quoted && t.text === punct;
  }
}

function parseKeyBody(c: Cursor, name: string, keyLine: number): TsigKey {
  const fields = new Map<string, Token>();
  c.expect('{');
  while (!c.peek('}')) {
    const field = c.next('a key field');
    fields.set(field.text.toLowerCase(), c.next(`a value for ${field.text}`));
    c.expect(';');
  }
  c.expect('}');
  c.expect(';');
  const algorithm = fields.get('algorithm');
  const secret = fields.get('secret');
  if (!algorithm) fail(c.file, keyLine, `key ${name}.algorithm`, 'missing algorithm');
  if (algorithm.text.toLowerCase() !== 'hmac-sha256') {
    fail(
      c.file,
      algorithm.line,
      `key ${name}.algorithm`,
      `unsupported algorithm ${algorithm.text} (use hmac-sha256)`,
    );
  }
  if (!secret) fail(c.file, keyLine, `key ${name}.secret`, 'missing secret');
  const compact = secret.text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 !== 0) {
    fail(c.file, secret.line, `key ${name}.secret`, 'secret is not base64');
  }
  return { name: name.replace(/\.$/, ''), algorithm: 'hmac-sha256', secret: compact };
}

/** Every `key` statement of a BIND key file. `file` only names the source in errors. */
export function parseKeyFile(text: string, file: string): TsigKey[] {
  const c = new Cursor(tokenize(text, file), file);
  const keys: TsigKey[] = [];
  while (!c.done) {
    const statement = c.next('"key"');
    if (statement.quoted || statement.text !== 'key') {
      fail(file, statement.line, undefined, `expected a key statement, found "${statement.text}"`);
    }
    const name = c.next('a key name');
    keys.push(parseKeyBody(c, name.text, name.line));
  }
  if (keys.length === 0) fail(file, undefined, undefined, 'no key statement');
  return keys;
}

/** The one key named `name` (or the only key when no name is given). */
export function selectKey(keys: readonly TsigKey[], file: string, name?: string): TsigKey {
  const wanted = name?.replace(/\.$/, '').toLowerCase();
  const matches = wanted === undefined ? keys : keys.filter((k) => k.name.toLowerCase() === wanted);
  const [key] = matches;
  if (!key || matches.length > 1) {
    const names = keys.map((k) => k.name).join(', ');
    fail(
      file,
      undefined,
      'key',
      name ? `no single key named ${name} (found ${names})` : `several keys (${names})`,
    );
  }
  return key;
}
