import { type Filter, asString, bindArgs, splitArgs, strict } from './args.js';

/**
 * Regular-expression filters. Patterns and replacements are written for
 * Python's `re` in playbooks; the common differences are translated.
 */

const INLINE_FLAGS = /^\(\?([imsx]+)\)/;

/** A JavaScript RegExp for a Python pattern. */
export function pyRegExp(
  pattern: unknown,
  opts: { ignorecase?: unknown; multiline?: unknown; global?: boolean },
): RegExp {
  let source = asString(pattern);
  let flags = opts.global === true ? 'g' : '';
  const inline = INLINE_FLAGS.exec(source);
  if (inline) {
    source = source.slice(inline[0].length);
    flags += (inline[1] ?? '').replace(/x/g, '');
  }
  if (opts.ignorecase === true && !flags.includes('i')) flags += 'i';
  if (opts.multiline === true && !flags.includes('m')) flags += 'm';
  source = source
    .replace(/\(\?P</g, '(?<')
    .replace(/\(\?P=(\w+)\)/g, '\\k<$1>')
    .replace(/\\A/g, '^')
    .replace(/\\Z/g, '$(?![\\s\\S])');
  try {
    return new RegExp(source, flags);
  } catch (err) {
    throw new Error(
      `invalid regular expression ${JSON.stringify(asString(pattern))}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}

/** Python replacement syntax (`\1`, `\g<name>`) to a replacer function. */
function pyReplacer(replacement: string): (match: string, ...rest: unknown[]) => string {
  return (match, ...rest) => {
    const last = rest[rest.length - 1];
    const named =
      typeof last === 'object' && last !== null ? (last as Record<string, string | undefined>) : {};
    const groups = rest.slice(0, typeof last === 'object' && last !== null ? -3 : -2) as (
      string | undefined
    )[];
    const group = (ref: string): string => {
      if (/^\d+$/.test(ref)) return Number(ref) === 0 ? match : (groups[Number(ref) - 1] ?? '');
      return named[ref] ?? '';
    };
    return replacement.replace(
      /\\g<(\w+)>|\\(\d{1,2})|\\(.)/g,
      (_all, name?: string, num?: string, esc?: string) => {
        if (name !== undefined) return group(name);
        if (num !== undefined) return group(num);
        return esc === 'n' ? '\n' : esc === 't' ? '\t' : esc === '\\' ? '\\' : `\\${esc ?? ''}`;
      },
    );
  };
}

function regexReplace(value: unknown, ...args: unknown[]): string {
  const a = bindArgs(args, ['pattern', 'replacement', 'ignorecase', 'multiline', 'count'], {
    pattern: '',
    replacement: '',
    count: 0,
  });
  const re = pyRegExp(a['pattern'], { ...a, global: true });
  const replacer = pyReplacer(asString(a['replacement']));
  const limit = Number(a['count']);
  let done = 0;
  return asString(value).replace(re, (...m: unknown[]) => {
    if (limit > 0 && done >= limit) return String(m[0]);
    done++;
    return replacer(String(m[0]), ...m.slice(1));
  });
}

function regexSearch(value: unknown, ...args: unknown[]): unknown {
  const { positional, kwargs } = splitArgs(args);
  const [pattern, ...refs] = positional;
  const match = pyRegExp(pattern, kwargs).exec(asString(value));
  if (!match) return null;
  if (refs.length === 0) return match[0];
  return refs.map((ref) => {
    const text = asString(ref);
    const named = /^\\g<(\w+)>$/.exec(text);
    if (named)
      return (
        (/^\d+$/.test(named[1] ?? '') ? match[Number(named[1])] : match.groups?.[named[1] ?? '']) ?? null
      );
    const numbered = /^\\(\d+)$/.exec(text);
    if (!numbered) throw new Error(`regex_search: unknown argument ${JSON.stringify(text)}`);
    return match[Number(numbered[1])] ?? null;
  });
}

/** Python's re.findall: whole matches, the one group, or tuples of groups. */
function regexFindall(value: unknown, ...args: unknown[]): unknown[] {
  const a = bindArgs(args, ['pattern', 'multiline', 'ignorecase']);
  const re = pyRegExp(a['pattern'], { ...a, global: true });
  return [...asString(value).matchAll(re)].map((m) => {
    if (m.length === 1) return m[0];
    if (m.length === 2) return m[1] ?? '';
    return m.slice(1).map((g) => g ?? '');
  });
}

export const REGEX_FILTERS: Record<string, Filter> = {
  regex_replace: strict(regexReplace),
  regex_search: strict(regexSearch),
  regex_findall: strict(regexFindall),
  regex_escape: strict((v) => asString(v).replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')),
};
