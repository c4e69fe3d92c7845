import { isIP } from 'node:net';
import { LineCounter, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Node, Pair } from 'yaml';
import { IngressError } from '../errors.js';
import { ANSIBLE_YAML_OPTIONS } from '../inventory/yaml-doc.js';
import type { Field, Shape } from './schema.js';
import { GROUP_VARS_SCHEMA, HOST_VARS_SCHEMA } from './schema.js';

interface Ctx {
  file: string;
  lineOf(node: unknown): number | undefined;
}

const DOMAIN =
  /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.?$/i;

function configError(ctx: Ctx, node: unknown, field: string, message: string): IngressError {
  const line = ctx.lineOf(node);
  return new IngressError('E_CONFIG', `${field} ${message}`, {
    location: { file: ctx.file, field, ...(line === undefined ? {} : { line }) },
  });
}

function keyOf(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

function scalarProblem(shape: Shape, value: unknown): string | undefined {
  const text = typeof value === 'string' ? value : undefined;
  switch (shape.kind) {
    case 'string':
      return text !== undefined && text !== '' ? undefined : 'must be a non-empty string';
    case 'bool':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'int':
      return typeof value === 'number' && Number.isInteger(value) && value >= shape.min && value <= shape.max
        ? undefined
        : `must be a whole number from ${shape.min} to ${shape.max}`;
    case 'ip':
      return text !== undefined && isIP(text) !== 0 ? undefined : 'must be an IPv4 or IPv6 address';
    case 'domain':
      return text !== undefined && DOMAIN.test(text) ? undefined : 'must be a DNS name';
    case 'path':
      return text?.startsWith('/') ? undefined : 'must be an absolute path';
    case 'url':
      return text !== undefined && URL.canParse(text) ? undefined : 'must be a URL';
    case 'hostport': {
      const m = text === undefined ? null : /^(\[[0-9a-f:.]+\]|[^:[\]\s]+):(\d{1,5})$/i.exec(text);
      const portNumber = Number(m?.[2]);
      return m && portNumber >= 1 && portNumber <= 65535 ? undefined : 'must be HOST:PORT (IPv6 in brackets)';
    }
    default:
      return 'unexpected value';
  }
}

function checkObject(node: unknown, fields: Record<string, Field>, field: string, ctx: Ctx): void {
  if (!isMap(node)) throw configError(ctx, node, field, 'must be a mapping');
  const seen = new Set<string>();
  for (const pair of node.items) {
    const key = keyOf(pair);
    const spec = fields[key];
    if (!spec)
      throw configError(
        ctx,
        pair.key,
        `${field}.${key}`,
        `unknown key (known: ${Object.keys(fields).join(', ')})`,
      );
    seen.add(key);
    checkNode(pair.value, spec.shape, `${field}.${key}`, ctx);
  }
  for (const [key, spec] of Object.entries(fields)) {
    if (spec.required && !seen.has(key)) throw configError(ctx, node, `${field}.${key}`, 'is required');
  }
}

function checkList(node: unknown, shape: Extract<Shape, { kind: 'list' }>, field: string, ctx: Ctx): void {
  if (!isSeq(node)) throw configError(ctx, node, field, 'must be a list');
  const seen = new Map<string, number>();
  node.items.forEach((item, index) => {
    checkNode(item, shape.of, `${field}[${index}]`, ctx);
    if (!shape.uniqueBy || !isMap(item)) return;
    const value = String(item.get(shape.uniqueBy) ?? '').toLowerCase();
    const before = seen.get(value);
    if (before !== undefined)
      throw configError(
        ctx,
        item,
        `${field}[${index}].${shape.uniqueBy}`,
        `duplicate "${value}" (also at ${field}[${before}])`,
      );
    seen.set(value, index);
  });
}

function checkNode(node: unknown, shape: Shape, field: string, ctx: Ctx): void {
  if (shape.kind === 'object') return checkObject(node, shape.fields, field, ctx);
  if (shape.kind === 'list') return checkList(node, shape, field, ctx);
  const value = isScalar(node) ? node.value : undefined;
  const problem = isScalar(node) ? scalarProblem(shape, value) : 'must be a single value';
  if (problem) throw configError(ctx, node, field, problem);
}

function parse(file: string, text: string): { root: unknown; ctx: Ctx } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { ...ANSIBLE_YAML_OPTIONS, lineCounter });
  const ctx: Ctx = {
    file,
    lineOf: (node) => {
      const range = (node as Node | null | undefined)?.range;
      return range ? lineCounter.linePos(range[0]).line : undefined;
    },
  };
  const first = doc.errors[0];
  if (first) {
    throw new IngressError('E_CONFIG', `YAML syntax error: ${first.message.split('\n')[0]}`, {
      cause: first,
      location: { file, ...(first.linePos?.[0] ? { line: first.linePos[0].line } : {}) },
    });
  }
  return { root: doc.contents, ctx };
}

function checkVars(node: unknown, schema: Record<string, Field>, prefix: string, ctx: Ctx): void {
  if (node === null || node === undefined || (isScalar(node) && node.value === null)) return;
  if (!isMap(node)) throw configError(ctx, node, prefix || '(top)', 'must be a mapping of variables');
  for (const pair of node.items) {
    const key = keyOf(pair);
    if (key.startsWith('ansible_')) continue;
    const spec = schema[key];
    const field = prefix ? `${prefix}.${key}` : key;
    if (!spec) throw configError(ctx, pair.key, field, 'unknown key');
    checkNode(pair.value, spec.shape, field, ctx);
  }
}

/** A group_vars file: every key must be one the stack knows, with a value of the right shape. */
export function validateGroupVarsText(file: string, text: string): void {
  const { root, ctx } = parse(file, text);
  checkVars(root, GROUP_VARS_SCHEMA, '', ctx);
}

function walkGroup(node: unknown, path: string, ctx: Ctx): void {
  if (!isMap(node)) return;
  const hosts = node.get('hosts', true);
  if (isMap(hosts)) {
    for (const pair of hosts.items)
      checkVars(pair.value, HOST_VARS_SCHEMA, `${path}.hosts.${keyOf(pair)}`, ctx);
  }
  checkVars(node.get('vars', true), { ...GROUP_VARS_SCHEMA, ...HOST_VARS_SCHEMA }, `${path}.vars`, ctx);
  const children = node.get('children', true);
  if (isMap(children))
    for (const pair of children.items) walkGroup(pair.value, `${path}.children.${keyOf(pair)}`, ctx);
}

/** A YAML inventory file: the stack's variables on hosts and groups. */
export function validateHostsText(file: string, text: string): void {
  const { root, ctx } = parse(file, text);
  if (!isMap(root)) return;
  for (const pair of root.items) walkGroup(pair.value, keyOf(pair), ctx);
}
