/**
 * Pure text edits of lineinfile and blockinfile, with Ansible's rules: which
 * line a regexp replaces, where a new line goes, how a managed block is found.
 */

export interface LineSpec {
  state: 'present' | 'absent';
  line?: string;
  regexp?: RegExp;
  searchString?: string;
  insertAfter?: string;
  insertBefore?: string;
  backrefs: boolean;
  firstMatch: boolean;
}

/** Lines of a file; a final newline does not make an extra empty line. */
export function splitLines(content: string): string[] {
  if (content === '') return [];
  const lines = content.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export function joinLines(lines: readonly string[]): string {
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

function lastIndex(lines: readonly string[], test: (l: string) => boolean, first = false): number {
  if (first) return lines.findIndex(test);
  for (let i = lines.length - 1; i >= 0; i -= 1) if (test(lines[i] as string)) return i;
  return -1;
}

function matcher(spec: LineSpec): ((l: string) => boolean) | undefined {
  if (spec.regexp) {
    const re = spec.regexp;
    return (l) => re.test(l);
  }
  if (spec.searchString !== undefined) {
    const s = spec.searchString;
    return (l) => l.includes(s);
  }
  return undefined;
}

/** Python's `\1` and `\g<name>` backreferences, as lineinfile's backrefs expand them. */
function expandBackrefs(template: string, match: RegExpExecArray): string {
  return template.replace(/\\(\d+)|\\g<(\w+)>/g, (_, num: string | undefined, name: string | undefined) => {
    if (num !== undefined) return match[Number(num)] ?? '';
    return match.groups?.[name as string] ?? match[Number(name)] ?? '';
  });
}

/** Where a new line goes: after the last insertafter match, before the first insertbefore match, else at the end. */
function insertionIndex(
  lines: readonly string[],
  spec: Pick<LineSpec, 'insertAfter' | 'insertBefore' | 'firstMatch'>,
): number {
  if (spec.insertBefore !== undefined) {
    if (spec.insertBefore === 'BOF') return 0;
    const re = new RegExp(spec.insertBefore);
    const i = lastIndex(lines, (l) => re.test(l), spec.firstMatch);
    return i < 0 ? lines.length : i;
  }
  if (spec.insertAfter !== undefined && spec.insertAfter !== 'EOF') {
    const re = new RegExp(spec.insertAfter);
    const i = lastIndex(lines, (l) => re.test(l), spec.firstMatch);
    return i < 0 ? lines.length : i + 1;
  }
  return lines.length;
}

function presentLine(lines: string[], spec: LineSpec): string[] {
  const line = spec.line ?? '';
  const test = matcher(spec);
  const at = test ? lastIndex(lines, test, spec.firstMatch) : -1;
  if (at >= 0) {
    const current = lines[at] as string;
    const match = spec.backrefs && spec.regexp ? spec.regexp.exec(current) : null;
    const wanted = match ? expandBackrefs(line, match) : line;
    if (current === wanted) return lines;
    return [...lines.slice(0, at), wanted, ...lines.slice(at + 1)];
  }
  // backrefs: a regexp that matches nothing leaves the file alone, as Ansible does.
  if (spec.backrefs || lines.includes(line)) return lines;
  const index = insertionIndex(lines, spec);
  // Inserting next to an identical line would duplicate it; Ansible checks the neighbour too.
  if (spec.insertAfter !== undefined && lines[index - 1] === line) return lines;
  return [...lines.slice(0, index), line, ...lines.slice(index)];
}

/** The file's content after lineinfile; equal input and output means ok. */
export function editLine(content: string, spec: LineSpec): string {
  const lines = splitLines(content);
  if (spec.state === 'absent') {
    const test = matcher(spec) ?? ((l: string) => l === spec.line);
    const kept = lines.filter((l) => !test(l));
    return kept.length === lines.length ? content : joinLines(kept);
  }
  const out = presentLine(lines, spec);
  return out === lines ? content : joinLines(out);
}

export interface BlockSpec {
  state: 'present' | 'absent';
  block: string;
  marker: string;
  markerBegin: string;
  markerEnd: string;
  insertAfter?: string;
  insertBefore?: string;
  /** Blank lines around the block, as Ansible 2.16's prepend/append_newline. */
  prependNewline: boolean;
  appendNewline: boolean;
}

/** The file's content after blockinfile: the marked block replaced, inserted or removed. */
export function editBlock(content: string, spec: BlockSpec): string {
  const lines = splitLines(content);
  const begin = spec.marker.replace('{mark}', spec.markerBegin);
  const end = spec.marker.replace('{mark}', spec.markerEnd);
  const b = lines.indexOf(begin);
  const e = b < 0 ? -1 : lines.indexOf(end, b + 1);
  const wanted = spec.state === 'absent' || spec.block === '' ? [] : [begin, ...splitLines(spec.block), end];
  let out: string[];
  if (b >= 0 && e >= 0) {
    out = [...lines.slice(0, b), ...wanted, ...lines.slice(e + 1)];
  } else {
    if (wanted.length === 0) return content;
    const index = insertionIndex(lines, { ...spec, firstMatch: false });
    const before = spec.prependNewline && index > 0 ? [''] : [];
    const after = spec.appendNewline && index < lines.length ? [''] : [];
    out = [...lines.slice(0, index), ...before, ...wanted, ...after, ...lines.slice(index)];
  }
  const text = joinLines(out);
  return text === joinLines(lines) ? content : text;
}
