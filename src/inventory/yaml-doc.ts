import { LineCounter, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, DocumentOptions, Node, Pair, ParseOptions, SchemaOptions, YAMLMap } from 'yaml';
import { inventoryError } from './validate.js';

/** A parsed YAML file that can tell the line of any node. */
export interface YamlFile {
  file: string;
  doc: Document.Parsed;
  lineOf: (node: unknown) => number | undefined;
}

const PY_TRUE = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
const PY_FALSE = /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/;

/**
 * Ansible reads YAML 1.1 through PyYAML: `yes`/`no`/`on`/`off` are booleans, but
 * unlike the 1.1 spec a lone `y` or `n` stays a string.
 */
export const ANSIBLE_YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  customTags: (tags) =>
    tags.map((tag) => {
      if (typeof tag === 'string' || tag.tag !== 'tag:yaml.org,2002:bool' || !('test' in tag) || !tag.test)
        return tag;
      return { ...tag, test: tag.test.test('true') ? PY_TRUE : PY_FALSE };
    }),
};

export function parseYamlFile(file: string, text: string): YamlFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { ...ANSIBLE_YAML_OPTIONS, lineCounter, prettyErrors: true });
  const first = doc.errors[0];
  if (first) {
    const line = first.linePos?.[0]?.line;
    const message = first.message.split('\n')[0] ?? first.message;
    throw inventoryError(
      `YAML syntax error: ${message}`,
      { file, ...(line === undefined ? {} : { line }) },
      first,
    );
  }
  const lineOf = (node: unknown): number | undefined => {
    const range = (node as Node | null | undefined)?.range;
    return range ? lineCounter.linePos(range[0]).line : undefined;
  };
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
