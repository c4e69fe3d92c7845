import { readFile } from 'node:fs/promises';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node } from 'yaml';
import { IngressError } from '../errors.js';

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
    throw new IngressError('E_PLAYBOOK', `cannot read ${file}`, { cause: err, location: { file } });
  }
  return parseYaml(text, file);
}

/** YAML 1.1 as Ansible reads it: `yes` is true, `0644` is octal, `<<` merges. */
export function parseYaml(text: string, file: string): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, version: '1.1', merge: true, prettyErrors: false });
  const first = doc.errors[0];
  if (first) {
    const pos = lines.linePos(first.pos[0]);
    throw new IngressError('E_PLAYBOOK', `invalid YAML: ${first.message.split('\n')[0]}`, {
      cause: first,
      location: { file, line: pos.line, column: pos.col },
    });
  }
  return { file, doc, lines };
}

export function lineOf(src: YamlSource, node: Node | null | undefined): number {
  const offset = node?.range?.[0];
  return offset === undefined ? 1 : src.lines.linePos(offset).line;
}

export function toJs(src: YamlSource, node: Node | null): unknown {
  if (node === null) return null;
  return node.toJS(src.doc, { maxAliasCount: 1000 });
}

function fail(src: YamlSource, node: Node | null | undefined, message: string, field?: string): never {
  throw new IngressError('E_PLAYBOOK', message, {
    location: { file: src.file, line: lineOf(src, node), ...(field ? { field } : {}) },
  });
}

export function expectMap(src: YamlSource, node: Node | null, what: string): Entry[] {
  if (!isMap(node)) fail(src, node, `${what} must be a mapping`);
  return node.items.map((pair) => {
    const keyNode = pair.key as Node | null;
    const key = isScalar(keyNode)
      ? String(keyNode.value)
      : fail(src, keyNode, `${what}: keys must be strings`);
    return { key, line: lineOf(src, keyNode), node: (pair.value as Node | null) ?? null };
  });
}

export function expectSeq(src: YamlSource, node: Node | null, what: string): Node[] {
  if (node === null || (isScalar(node) && node.value === null)) return [];
  if (!isSeq(node)) fail(src, node, `${what} must be a list`);
  return node.items.map((item) => item as Node);
}

/** Errors about an entry point at its key's line and name the key. */
export function entryError(src: YamlSource, entry: Entry, message: string): IngressError {
  return new IngressError('E_PLAYBOOK', message, {
    location: { file: src.file, line: entry.line, field: entry.key },
  });
}
