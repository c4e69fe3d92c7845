/**
 * Free-form task arguments: `copy: src=a dest=b` and `command: ls -l chdir=/tmp`.
 * Splitting keeps quoted strings and Jinja2 expressions whole, as Ansible's split_args does.
 */

/** Modules whose free-form string is a command line, passed on as `_raw_params`. */
const RAW_MODULES = new Set(['command', 'shell', 'raw', 'script', 'include_vars']);
/** The k=v options Ansible lifts out of a command line; everything else stays in the command. */
const RAW_KEYS = new Set([
  'chdir',
  'creates',
  'removes',
  'executable',
  'stdin',
  'stdin_add_newline',
  'strip_empty_ends',
]);

export function splitArgs(text: string): string[] {
  const tokens: string[] = [];
  let current = '';
  let quote: string | null = null;
  let jinjaDepth = 0;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i] as string;
    const pair = text.slice(i, i + 2);
    if (quote === null && (pair === '{{' || pair === '{%')) jinjaDepth += 1;
    if (quote === null && jinjaDepth > 0 && (pair === '}}' || pair === '%}')) jinjaDepth -= 1;
    if (jinjaDepth === 0 && (ch === '"' || ch === "'") && text[i - 1] !== '\\') {
      quote = quote === null ? ch : quote === ch ? null : quote;
    }
    if (quote === null && jinjaDepth === 0 && /\s/.test(ch)) {
      if (current) tokens.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  if (current) tokens.push(current);
  return tokens;
}

export function unquote(value: string): string {
  const first = value[0];
  if (value.length >= 2 && (first === '"' || first === "'") && value.endsWith(first)) {
    return value.slice(1, -1).replace(new RegExp(`\\\\${first}`, 'g'), first);
  }
  return value;
}

function keyValue(token: string): [string, string] | undefined {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(token);
  return match ? [match[1] as string, unquote(match[2] as string)] : undefined;
}

/** `k=v k2="v 2"` into a mapping; a token without `=` is an error the caller reports with a location. */
export function parseKeyValues(text: string): Record<string, string> {
  const args: Record<string, string> = {};
  for (const token of splitArgs(text)) {
    const kv = keyValue(token);
    if (!kv) throw new Error(`expected key=value, found '${token}'`);
    args[kv[0]] = kv[1];
  }
  return args;
}

export function freeFormArgs(action: string, text: string): Record<string, unknown> {
  if (!RAW_MODULES.has(action)) return parseKeyValues(text);
  const tokens = splitArgs(text);
  const options: Record<string, unknown> = {};
  const rest: string[] = [];
  for (const token of tokens) {
    const kv = keyValue(token);
    if (kv && RAW_KEYS.has(kv[0])) options[kv[0]] = kv[1];
    else rest.push(token);
  }
  // Keep the command byte for byte when nothing was lifted out of it.
  const raw = rest.length === tokens.length ? text.trim() : rest.join(' ');
  return { ...options, _raw_params: raw };
}
