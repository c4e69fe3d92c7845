import { nj, type NjNode } from './nunjucks-internals.js';
import { isPlainObject, pyStr, pyTruthy } from './python.js';
import type { LazyContext } from './runtime.js';
import { toOutput } from './runtime.js';
import { assertDefined } from './undefined.js';

/**
 * Rewrites the parsed template so Python semantics hold where nunjucks would
 * emit raw JavaScript: truthiness (`if []` is false, undefined raises),
 * `and`/`or` returning operands, `+`/`*` on lists and strings, `~` with
 * Python's str(), and iteration over dicts. Each rewrite is a call to a
 * helper global, which also records the template line for error messages.
 */

const N = nj.nodes;
type Helper = (this: LazyContext, ...args: unknown[]) => unknown;

function typeLabel(v: unknown): string {
  if (Array.isArray(v)) return 'list';
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  return typeof v === 'boolean' ? 'bool' : 'dict';
}

function operandError(op: string, a: unknown, b: unknown): Error {
  return new Error(`unsupported operand type(s) for ${op}: '${typeLabel(a)}' and '${typeLabel(b)}'`);
}

function add(a: unknown, b: unknown): unknown {
  assertDefined(a);
  assertDefined(b);
  if (Array.isArray(a) && Array.isArray(b)) return [...(a as unknown[]), ...(b as unknown[])];
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  throw operandError('+', a, b);
}

function mul(a: unknown, b: unknown): unknown {
  assertDefined(a);
  assertDefined(b);
  if (typeof a === 'number' && typeof b === 'number') return a * b;
  const [seq, times] = typeof a === 'number' ? [b, a] : [a, b];
  if (typeof times === 'number' && typeof seq === 'string') return seq.repeat(Math.max(0, times));
  if (typeof times === 'number' && Array.isArray(seq)) {
    return Array.from({ length: Math.max(0, times) }, () => seq as unknown[]).flat();
  }
  throw operandError('*', a, b);
}

function iterate(value: unknown, names: unknown): unknown {
  assertDefined(value);
  if (value === null || value === undefined) throw new Error("'NoneType' object is not iterable");
  if (typeof value === 'string') return [...value];
  // Jinja2 walks a dict's keys; nunjucks' own `for k, v in dict` is kept.
  if (isPlainObject(value) && names === 1) return Object.keys(value);
  if (value instanceof Map || value instanceof Set) return [...value];
  if (typeof value !== 'object') throw new Error(`'${typeLabel(value)}' object is not iterable`);
  return value;
}

export const HELPERS: Record<string, Helper> = {
  __ingress_out: (v) => toOutput(v),
  __ingress_truthy: (v) => pyTruthy(v),
  __ingress_iter: iterate,
  __ingress_add: add,
  __ingress_mul: mul,
  __ingress_concat: (a, b) => pyStr(assertDefined(a)) + pyStr(assertDefined(b)),
  __ingress_at: (v) => v,
  __ingress_test(name, value, ...args) {
    return this.env.getTest(String(name))(value, ...args) === true;
  },
  __ingress_capture(v) {
    this.captured = v;
    return '';
  },
};

function call(helper: keyof typeof HELPERS, at: NjNode, ...args: NjNode[]): NjNode {
  const name = new N['Symbol']!(at.lineno, at.colno, helper);
  return new N['FunCall']!(at.lineno, at.colno, name, new N['NodeList']!(at.lineno, at.colno, args));
}

function dottedName(node: NjNode): string | undefined {
  if (node.typename === 'Symbol') return String(node['value']);
  // `is none`, `is true`: the lexer reads these names as literals.
  if (node.typename === 'Literal') return node['value'] === null ? 'none' : String(node['value']);
  if (node.typename !== 'LookupVal') return undefined;
  const head = dottedName(node['target'] as NjNode);
  const tail = (node['val'] as NjNode)['value'];
  return head === undefined || typeof tail !== 'string' ? undefined : `${head}.${tail}`;
}

/**
 * `x is version('2', '>=')` becomes a helper call: nunjucks drops the commas
 * between several test arguments, and `is ansible.utils.ipv4` parses as
 * attribute lookups rather than one test name.
 */
function rewriteTest(node: NjNode): NjNode {
  const right = node['right'] as NjNode;
  const nameNode = right.typename === 'FunCall' ? (right['name'] as NjNode) : right;
  const name = dottedName(nameNode);
  if (name === undefined) throw new Error(`invalid test name at line ${node.lineno + 1}`);
  const args = right.typename === 'FunCall' ? ((right['args'] as NjNode)['children'] as NjNode[]) : [];
  const nameLiteral = new N['Literal']!(nameNode.lineno, nameNode.colno, name);
  return call('__ingress_test', node, nameLiteral, node['left'] as NjNode, ...args);
}

function rewrite(node: NjNode): NjNode {
  const truthy = (field: string): void => {
    node[field] = call('__ingress_truthy', node, node[field] as NjNode);
  };
  switch (node.typename) {
    case 'Output':
      node['children'] = (node['children'] as NjNode[]).map((c) =>
        c.typename === 'TemplateData' ? c : call('__ingress_out', c, c),
      );
      return node;
    case 'If':
    case 'IfAsync':
    case 'InlineIf':
      truthy('cond');
      return node;
    case 'Not':
      truthy('target');
      return node;
    case 'And':
    case 'Or': {
      const left = node['left'] as NjNode;
      const right = node['right'] as NjNode;
      const cond = call('__ingress_truthy', node, left);
      const [then, otherwise] = node.typename === 'And' ? [right, left] : [left, right];
      return new N['InlineIf']!(node.lineno, node.colno, cond, then, otherwise);
    }
    case 'For':
    case 'AsyncEach':
    case 'AsyncAll': {
      const names = (node['name'] as NjNode).typename === 'Array' ? 2 : 1;
      node['arr'] = call('__ingress_iter', node, node['arr'] as NjNode, new N['Literal']!(0, 0, names));
      return node;
    }
    case 'Add':
      return call('__ingress_add', node, node['left'] as NjNode, node['right'] as NjNode);
    case 'Mul':
      return call('__ingress_mul', node, node['left'] as NjNode, node['right'] as NjNode);
    case 'Concat':
      return call('__ingress_concat', node, node['left'] as NjNode, node['right'] as NjNode);
    case 'Is':
      return rewriteTest(node);
    case 'Filter':
      return call('__ingress_at', node, node);
    default:
      return node;
  }
}

function isNode(value: unknown): value is NjNode {
  return value instanceof N.Node;
}

/** Rewrites children first, so each rewrite sees already-rewritten operands. */
export function pythonize(node: NjNode): NjNode {
  for (const field of node.fields) {
    const value = node[field];
    if (isNode(value)) node[field] = pythonize(value);
    else if (Array.isArray(value))
      node[field] = value.map((v) => (isNode(v) ? pythonize(v) : (v as unknown)));
  }
  return rewrite(node);
}
