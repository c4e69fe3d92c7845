import { Pair, isScalar } from 'yaml';
import type { InventoryBuilder } from './builder.js';
import { expandHostPattern } from './host-range.js';
import { checkVariable, didYouMean, inventoryError } from './validate.js';
import {
  describeNode,
  isNullNode,
  keyName,
  lineAtPath,
  mapPairs,
  parseYamlFile,
  toPlain,
} from './yaml-doc.js';
import type { YamlFile } from './yaml-doc.js';

const GROUP_KEYS = ['hosts', 'children', 'vars'];

/** Reads an Ansible YAML inventory (all / children / hosts / vars) into the builder. */
export function parseYamlInventory(file: string, text: string, builder: InventoryBuilder): void {
  const yaml = parseYamlFile(file, text);
  const root = yaml.doc.contents;
  const pairs = mapPairs(root);
  if (!pairs) {
    const found = isNullNode(root) ? 'an empty file' : describeNode(root);
    throw inventoryError(`a YAML inventory must be a mapping of groups, found ${found}`, {
      file,
      line: yaml.lineOf(root) ?? 1,
    });
  }
  for (const pair of pairs) parseGroup(yaml, pair, builder, keyName(pair));
}

function sectionPairs(yaml: YamlFile, pair: Pair, field: string): Pair[] {
  const node = pair.value;
  if (isNullNode(node)) return [];
  // Ansible accepts `hosts: web1` as a shorthand for `hosts: {web1: null}`.
  if (isScalar(node) && typeof node.value === 'string') return [new Pair(node, null)];
  const pairs = mapPairs(node);
  if (!pairs) {
    throw inventoryError(`'${field}' must be a mapping, found ${describeNode(node)}`, {
      file: yaml.file,
      line: yaml.lineOf(node) ?? yaml.lineOf(pair.key),
      field,
    });
  }
  return pairs;
}

function parseGroup(yaml: YamlFile, pair: Pair, builder: InventoryBuilder, path: string): string {
  const name = keyName(pair);
  const where = { file: yaml.file, line: yaml.lineOf(pair.key), field: path };
  // These characters would make the group unreachable from a host pattern.
  if (/[\s:,!&~*?[\]]/.test(name)) throw inventoryError(`invalid group name '${name}'`, where);
  builder.addGroup(name, where);
  if (isNullNode(pair.value)) return name;
  const sections = mapPairs(pair.value);
  if (!sections) {
    throw inventoryError(`group '${name}' must be a mapping, found ${describeNode(pair.value)}`, where);
  }
  for (const section of sections) parseSection(yaml, name, section, builder, path);
  return name;
}

function parseSection(
  yaml: YamlFile,
  group: string,
  section: Pair,
  builder: InventoryBuilder,
  path: string,
): void {
  const key = keyName(section);
  const field = `${path}.${key}`;
  const at = (node: unknown, sub: string) => ({
    file: yaml.file,
    line: yaml.lineOf(node),
    field: `${field}${sub}`,
  });
  if (key === 'vars') {
    for (const v of sectionPairs(yaml, section, field)) {
      const varName = keyName(v);
      builder.setGroupVar(group, varName, toPlain(yaml, v.value), {
        ...at(v.key, `.${varName}`),
        lineAt: lineAtPath(yaml, v.value),
      });
    }
  } else if (key === 'children') {
    for (const child of sectionPairs(yaml, section, field)) {
      const childName = parseGroup(yaml, child, builder, `${field}.${keyName(child)}`);
      builder.addChild(group, childName, at(child.key, `.${childName}`));
    }
  } else if (key === 'hosts') {
    for (const host of sectionPairs(yaml, section, field)) parseHost(yaml, host, builder, group, field);
  } else {
    const hint = didYouMean(key, GROUP_KEYS);
    throw inventoryError(
      `unexpected key '${key}' in group '${group}'${hint} (only hosts, children and vars are valid)`,
      at(section.key, ''),
    );
  }
}

function parseHost(yaml: YamlFile, pair: Pair, builder: InventoryBuilder, group: string, path: string): void {
  const pattern = keyName(pair);
  const where = { file: yaml.file, line: yaml.lineOf(pair.key), field: `${path}.${pattern}` };
  if (!isScalar(pair.key) || typeof pair.key.value !== 'string') {
    throw inventoryError(`host name ${pattern} must be a string; quote it`, where);
  }
  let vars: Record<string, unknown> = {};
  if (!isNullNode(pair.value)) {
    const value = toPlain(yaml, pair.value);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw inventoryError(
        `host '${pattern}' must be a mapping of variables or empty, found ${describeNode(pair.value)}`,
        where,
      );
    }
    vars = value as Record<string, unknown>;
    for (const v of mapPairs(pair.value) ?? []) {
      const varName = keyName(v);
      const site = { file: yaml.file, line: yaml.lineOf(v.key), field: `${where.field}.${varName}` };
      checkVariable(varName, vars[varName], site);
      builder.checks.variable?.(varName, vars[varName], {
        ...site,
        scope: 'host',
        varsFile: false,
        lineAt: lineAtPath(yaml, v.value),
      });
    }
  }
  let expanded;
  try {
    expanded = expandHostPattern(pattern);
  } catch (err) {
    throw inventoryError((err as Error).message, where, err);
  }
  const withPort = expanded.port === undefined ? vars : { ansible_port: expanded.port, ...vars };
  for (const name of expanded.names) builder.addHost(name, group, withPort, where);
}
