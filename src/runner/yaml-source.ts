import { readFile } from 'node:fs/promises';
import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { Document, LineCounter, Node } from 'yaml';
import { IngressError } from '../errors.js';
import { parseAnsibleYaml } from '../yaml/ansible-yaml.js';

/** A parsed YAML file that can say on which line any node sits. */
export interface YamlSource {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
}

/** A mapping entry with the line of its key, so errors can point at it. */
export interface Entry {
  key: string;
  line: number;
  node: Node | null;
}

export async function readYaml(file: string): Promise<YamlSource> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new IngressError('E_PLAYBOOK_MISSING', `cannot read ${file}`, { cause: err, location: { file } });
  }
  return parseYaml(text, file);
}

/** YAML as Ansible reads it (src/yaml/ansible-yaml.ts). */
export function parseYaml(text: string, file: string): YamlSource {
  const { doc, lines } = parseAnsibleYaml(text, file, 'E_PLAYBOOK');
  return { file, doc, lines };
}

export function lineOf(src: YamlSource, node: Node | null | undefined): number {
  const offset = node?.range?.[0];
  return offset === undefined ? 1 : src.lines.linePos(offset).line;
}

/** An alias (`*x`) stands for its anchored node; a dangling one is an error at the alias. */
export function resolveNode(src: YamlSource, node: Node | null): Node | null {
  let current: unknown = node;
  for (let depth = 0; isAlias(current); depth += 1) {
    const target = depth < 100 ? current.resolve(src.doc) : undefined;
    if (target === undefined) fail(src, current, `unknown or circular alias *${current.source}`);
    current = target;
  }
  return current as Node | null;
}

export function toJs(src: YamlSource, node: Node | null): unknown {
  const resolved = resolveNode(src, node);
  if (resolved === null) return null;
  return resolved.toJS(src.doc, { maxAliasCount: 1000 });
}

function isMergeKey(node: unknown): boolean {
  if (!isScalar(node)) return false;
  const value = node.value;
  return value === '<<' || (typeof value === 'symbol' && value.description === '<<');
}

/** `<<: *x` or `<<: [*x, *y]`: the mappings merged in, the first one winning. */
function mergedEntries(src: YamlSource, value: Node | null, what: string): Entry[] {
  const resolved = resolveNode(src, value);
  const sources = isSeq(resolved) ? resolved.items.map((item) => item as Node) : [resolved];
  return sources.flatMap((item) => expectMap(src, item, what));
}

function fail(src: YamlSource, node: Node | null | undefined, message: string, field?: string): never {
  throw new IngressError('E_PLAYBOOK', message, {
    location: { file: src.file, line: lineOf(src, node), ...(field ? { field } : {}) },
  });
}

/** A mapping's entries, aliases resolved and `<<` merge keys expanded (explicit keys win, as YAML says). */
export function expectMap(src: YamlSource, node: Node | null, what: string): Entry[] {
  const map = resolveNode(src, node);
  if (!isMap(map)) fail(src, node, `${what} must be a mapping`);
  const own: Entry[] = [];
  const merged: Entry[] = [];
  for (const pair of map.items) {
    const keyNode = pair.key as Node | null;
    const valueNode = (pair.value as Node | null) ?? null;
    if (isMergeKey(keyNode)) {
      merged.push(...mergedEntries(src, valueNode, what));
      continue;
    }
    const key = isScalar(keyNode)
      ? String(keyNode.value)
      : fail(src, keyNode, `${what}: keys must be strings`);
    own.push({ key, line: lineOf(src, keyNode), node: valueNode });
  }
  const seen = new Set(own.map((e) => e.key));
  for (const entry of merged) {
    if (seen.has(entry.key)) continue;
    seen.add(entry.key);
    own.push(entry);
  }
  return own;
}

export function expectSeq(src: YamlSource, input: Node | null, what: string): Node[] {
  const node = resolveNode(src, input);
  if (node === null || (isScalar(node) && node.value === null)) return [];
  if (!isSeq(node)) fail(src, node, `${what} must be a list`);
  return node.items.map((item) => item as Node);
}

/** Errors about an entry point at its key's line and name the key. */
export function entryError(
  src: YamlSource,
  entry: Entry,
  message: string,
  code: 'E_PLAYBOOK' | 'E_PLAYBOOK_MISSING' = 'E_PLAYBOOK',
): IngressError {
  return new IngressError(code, message, {
    location: { file: src.file, line: entry.line, field: entry.key },
  });
}
