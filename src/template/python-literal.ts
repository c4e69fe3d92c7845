/**
 * Python's ast.literal_eval for the values Ansible feeds it: numbers, strings,
 * True/False/None, lists, tuples and dicts; anything else is refused.
 */
class Reject extends Error {}

const NUMBER =
  /^(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:\d(?:_?\d)*)?\.?\d(?:_?\d)*(?:[eE][-+]?\d+)?\.?)/;
const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '0': '\0',
  '\\': '\\',
  "'": "'",
  '"': '"',
};

class LiteralReader {
  private pos = 0;
  constructor(
    private readonly text: string,
    private readonly words: readonly (readonly [string, unknown])[],
  ) {}

  read(): unknown {
    const value = this.value();
    this.skip();
    if (this.pos < this.text.length) throw new Reject();
    return value;
  }

  /** Whitespace and `#` comments, which Python's tokenizer drops. */
  private skip(): void {
    for (;;) {
      while (/\s/.test(this.text[this.pos] ?? '')) this.pos += 1;
      if (this.text[this.pos] !== '#') return;
      while (this.pos < this.text.length && this.text[this.pos] !== '\n') this.pos += 1;
    }
  }

  private eat(token: string): boolean {
    this.skip();
    if (!this.text.startsWith(token, this.pos)) return false;
    this.pos += token.length;
    return true;
  }

  private value(): unknown {
    this.skip();
    const ch = this.text[this.pos];
    if (ch === '[') return this.sequence('[', ']');
    if (ch === '(') return this.sequence('(', ')');
    if (ch === '{') return this.dict();
    if (ch === "'" || ch === '"') return this.string(ch);
    if (ch === '-' || ch === '+') {
      this.pos += 1;
      const n = this.value();
      if (typeof n !== 'number') throw new Reject();
      return ch === '-' ? -n : n;
    }
    for (const [word, v] of this.words) {
      if (this.text.startsWith(word, this.pos) && !/\w/.test(this.text[this.pos + word.length] ?? '')) {
        this.pos += word.length;
        return v;
      }
    }
    return this.number();
  }

  private number(): number {
    const match = NUMBER.exec(this.text.slice(this.pos))?.[0];
    if (!match || /\w/.test(this.text[this.pos + match.length] ?? '')) throw new Reject();
    // Python 3 refuses leading zeros on decimal integers ("010").
    if (/^0\d/.test(match) && !/[.eE]/.test(match)) throw new Reject();
    this.pos += match.length;
    const plain = match.replace(/_/g, '');
    return /^0[xXoObB]/.test(plain) ? Number(plain.toLowerCase()) : Number(plain);
  }

  private string(quote: string): string {
    let out = '';
    for (this.pos += 1; this.pos < this.text.length; this.pos += 1) {
      const ch = this.text[this.pos] ?? '';
      if (ch === quote) {
        this.pos += 1;
        return out;
      }
      if (ch === '\\') {
        this.pos += 1;
        const next = this.text[this.pos] ?? '';
        out += ESCAPES[next] ?? `\\${next}`;
      } else out += ch;
    }
    throw new Reject();
  }

  /** A list or a tuple; `(x)` without a comma is just x, as in Python. */
  private sequence(open: string, close: string): unknown {
    this.eat(open);
    const items: unknown[] = [];
    let commas = 0;
    while (!this.eat(close)) {
      items.push(this.value());
      if (this.eat(',')) commas += 1;
      else if (!this.eat(close)) throw new Reject();
      else break;
    }
    return open === '(' && items.length === 1 && commas === 0 ? items[0] : items;
  }

  private dict(): Record<string, unknown> {
    this.eat('{');
    const out: Record<string, unknown> = {};
    while (!this.eat('}')) {
      const key = this.value();
      if (typeof key === 'object' && key !== null) throw new Reject();
      if (!this.eat(':')) throw new Reject();
      out[String(key)] = this.value();
      if (!this.eat(',')) {
        this.skip();
        if (this.text[this.pos] !== '}') throw new Reject();
      }
    }
    return out;
  }
}

const PYTHON_WORDS = [
  ['True', true],
  ['False', false],
  ['None', null],
] as const;

/** Ansible's Json2Python also reads JSON's true/false/null as names before literal_eval. */
const WITH_JSON_WORDS = [...PYTHON_WORDS, ['true', true], ['false', false], ['null', null]] as const;

/** The literal's value, or `undefined` with `ok: false` when literal_eval would refuse it. */
export function pythonLiteral(
  text: string,
  options: { jsonWords?: boolean } = {},
): { ok: boolean; value?: unknown } {
  try {
    return {
      ok: true,
      value: new LiteralReader(text, options.jsonWords ? WITH_JSON_WORDS : PYTHON_WORDS).read(),
    };
  } catch (err) {
    if (err instanceof Reject) return { ok: false };
    throw err;
  }
}
