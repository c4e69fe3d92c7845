import YAML from 'yaml';
import { type Filter, asString, bindArgs, strict } from './args.js';
import { isPlainObject } from './python.js';

/** JSON and YAML filters, with the layout Python's json and PyYAML give. */

interface JsonLayout {
  indent: number | null;
  sortKeys: boolean;
}

function jsonString(s: string): string {
  // Python's ensure_ascii: non-ASCII as \uXXXX escapes.
  return JSON.stringify(s).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** json.dumps: `, ` and `: ` separators, or `,` plus newlines when indented. */
export function pyJsonDumps(value: unknown, layout: JsonLayout, depth = 0): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return jsonString(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return String(value);
  const pad = (d: number): string => (layout.indent === null ? '' : `\n${' '.repeat(layout.indent * d)}`);
  const sep = layout.indent === null ? ', ' : ',';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const items = value.map((v) => pad(depth + 1) + pyJsonDumps(v, layout, depth + 1));
    return `[${items.join(sep)}${pad(depth)}]`;
  }
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) return '{}';
    if (layout.sortKeys) keys.sort();
    const items = keys.map(
      (k) => `${pad(depth + 1)}${jsonString(k)}: ${pyJsonDumps(value[k], layout, depth + 1)}`,
    );
    return `{${items.join(sep)}${pad(depth)}}`;
  }
  throw new Error(`Object of type ${typeof value} is not JSON serializable`);
}

function toJson(value: unknown, ...args: unknown[]): string {
  const { indent, sort_keys } = bindArgs(args, ['indent', 'sort_keys'], { indent: null, sort_keys: false });
  return pyJsonDumps(value, {
    indent: typeof indent === 'number' ? indent : null,
    sortKeys: sort_keys === true,
  });
}

function toNiceJson(value: unknown, ...args: unknown[]): string {
  const { indent, sort_keys } = bindArgs(args, ['indent', 'sort_keys'], { indent: 4, sort_keys: true });
  return pyJsonDumps(value, {
    indent: typeof indent === 'number' ? indent : 4,
    sortKeys: sort_keys !== false,
  });
}

function fromJson(value: unknown): unknown {
  try {
    return JSON.parse(asString(value)) as unknown;
  } catch (err) {
    throw new Error(`from_json: ${(err as Error).message}`, { cause: err });
  }
}

function isScalarNode(node: unknown): boolean {
  return YAML.isScalar(node) || node === null;
}

/** PyYAML's default_flow_style=None: collections of scalars go inline. */
function toYaml(value: unknown, ...args: unknown[]): string {
  const { indent } = bindArgs(args, ['indent', 'default_flow_style', 'width'], { indent: 2 });
  const doc = new YAML.Document(value);
  YAML.visit(doc, {
    Map: (_key, node) => {
      node.flow = node.items.every((pair) => isScalarNode(pair.value));
    },
    Seq: (_key, node) => {
      node.flow = node.items.every(isScalarNode);
    },
  });
  return doc.toString({ indent: Number(indent), lineWidth: 0, flowCollectionPadding: false });
}

function toNiceYaml(value: unknown, ...args: unknown[]): string {
  const { indent } = bindArgs(args, ['indent', 'width'], { indent: 4 });
  return YAML.stringify(value, { indent: Number(indent), lineWidth: 0 });
}

function fromYaml(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  // Ansible parses with PyYAML, which speaks YAML 1.1 (`yes` is a bool).
  return YAML.parse(value, { version: '1.1' }) as unknown;
}

function fromYamlAll(value: unknown): unknown[] {
  return YAML.parseAllDocuments(asString(value), { version: '1.1' }).map((d) => d.toJS() as unknown);
}

/** Jinja2's own tojson: sorted keys, and <, >, & and ' escaped so the text is safe in HTML. */
function jinjaToJson(value: unknown, ...args: unknown[]): string {
  const { indent } = bindArgs(args, ['indent'], { indent: null });
  const text = pyJsonDumps(value, { indent: typeof indent === 'number' ? indent : null, sortKeys: true });
  return text
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/'/g, '\\u0027');
}

export const DATA_FILTERS: Record<string, Filter> = {
  tojson: strict(jinjaToJson),
  to_json: strict(toJson),
  to_nice_json: strict(toNiceJson),
  from_json: strict(fromJson),
  to_yaml: strict(toYaml),
  to_nice_yaml: strict(toNiceYaml),
  from_yaml: strict(fromYaml),
  from_yaml_all: strict(fromYamlAll),
};
