import { isMap, isScalar, isSeq } from 'yaml';
import type { Document, Node, Pair, YAMLMap } from 'yaml';
import { parseAnsibleYaml } from '../yaml/ansible-yaml.js';
import { inventoryError } from './validate.js';

/** A parsed YAML file that can tell the line of any node. */
export interface YamlFile {
  file: string;
  doc: Document.Parsed;
  lineOf: (node: unknown) => number | undefined;
}

export function parseYamlFile(file: string, text: string): YamlFile {
  const { doc, lineOf } = parseAnsibleYaml(text, file, 'E_INVENTORY');
  return { file, doc, lineOf };
}

export function keyName(pair: Pair): string {
  const key = pair.key;
  if (isScalar(key) && (typeof key.value === 'string' || typeof key.value === 'number'))
    return String(key.value);
  return String(key);
}

/** The mapping's pairs, or undefined when the node is null/empty. */
export function mapPairs(node: unknown): Pair[] | undefined {
  if (node === null || node === undefined) return undefined;
  if (isScalar(node) && node.value === null) return undefined;
  return isMap(node) ? (node as YAMLMap).items : undefined;
}

export function isNullNode(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null);
}

export function describeNode(node: unknown): string {
  if (isNullNode(node)) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isScalar(node)) return `${typeof node.value} ${JSON.stringify(node.value)}`;
  return 'a list';
}

/** Plain JS of a value node, anchors and merge keys resolved. */
export function toPlain(yaml: YamlFile, node: unknown): unknown {
  if (isNullNode(node)) return null;
  return (node as Node).toJS(yaml.doc, { maxAliasCount: 1000 });
}

/** The line of the node at a path of keys and indexes under `node`. */
export function lineAtPath(
  yaml: YamlFile,
  node: unknown,
): (path: readonly (string | number)[]) => number | undefined {
  return (path) => {
    let at: unknown = node;
    for (const step of path) {
      if (isSeq(at)) at = typeof step === 'number' ? at.items[step] : undefined;
      else at = mapPairs(at)?.find((pair) => keyName(pair) === String(step))?.value;
      if (at === undefined) return undefined;
    }
    return yaml.lineOf(at);
  };
}

/** A top-level mapping of variables (group_vars/host_vars files), each with its line. */
export function readVarsMapping(yaml: YamlFile): Array<{
  name: string;
  value: unknown;
  line?: number;
  lineAt: (path: readonly (string | number)[]) => number | undefined;
}> {
  const root = yaml.doc.contents;
  if (isNullNode(root)) return [];
  const pairs = mapPairs(root);
  if (!pairs)
    throw inventoryError(`a vars file must hold a mapping, found ${describeNode(root)}`, {
      file: yaml.file,
      line: yaml.lineOf(root) ?? 1,
    });
  return pairs.map((pair) => ({
    name: keyName(pair),
    value: toPlain(yaml, pair.value),
    line: yaml.lineOf(pair.key),
    lineAt: lineAtPath(yaml, pair.value),
  }));
}
