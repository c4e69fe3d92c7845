import { split as shlexSplit } from 'shlex';
import type { SourceLocation } from '../errors.js';
import type { InventoryBuilder } from './builder.js';
import { expandHostPattern } from './host-range.js';
import { parseIniValue } from './ini-value.js';
import { checkVariable, inventoryError } from './validate.js';

type State = 'hosts' | 'vars' | 'children';
interface Pending {
  line: number;
  state: State;
  parents: string[];
}

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:[#;].*)?$/;

/** Ansible's shlex runs with comments on: an unquoted `#` ends the line. */
function stripComment(line: string): string {
  let quote = '';
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i];
    if (quote) {
      if (ch === '\\' && quote === '"') i += 1;
      else if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '\\') i += 1;
    else if (ch === '#') return line.slice(0, i);
  }
  return line;
}

function parseHostLine(line: string, where: SourceLocation, group: string, builder: InventoryBuilder): void {
  let tokens: string[];
  try {
    tokens = shlexSplit(stripComment(line));
  } catch (err) {
    throw inventoryError(`cannot parse host line: ${(err as Error).message}`, where, err);
  }
  const [pattern = '', ...assignments] = tokens;
  const vars: Record<string, unknown> = {};
  for (const token of assignments) {
    const eq = token.indexOf('=');
    if (eq <= 0) throw inventoryError(`expected key=value host variable, got '${token}'`, where);
    const key = token.slice(0, eq);
    vars[key] = parseIniValue(token.slice(eq + 1));
    checkVariable(key, vars[key], { ...where, field: `${pattern}.${key}` });
    builder.checks.variable?.(key, vars[key], {
      ...where,
      field: `${pattern}.${key}`,
      scope: 'host',
      varsFile: false,
    });
  }
  let expanded;
  try {
    expanded = expandHostPattern(pattern);
  } catch (err) {
    throw inventoryError((err as Error).message, { ...where, field: pattern }, err);
  }
  const withPort = expanded.port === undefined ? vars : { ansible_port: expanded.port, ...vars };
  for (const name of expanded.names) builder.addHost(name, group, withPort, { ...where, field: name });
}

function addPendingChildren(
  group: string,
  pending: Map<string, Pending>,
  builder: InventoryBuilder,
  file: string,
): void {
  const decl = pending.get(group);
  if (!decl) return;
  pending.delete(group);
  for (const parent of decl.parents) {
    builder.addChild(parent, group, { file, line: decl.line, field: group });
    if (pending.get(parent)?.state === 'children') addPendingChildren(parent, pending, builder, file);
  }
}

class IniParser {
  private readonly pending = new Map<string, Pending>();
  private group = 'ungrouped';
  private state: State = 'hosts';

  constructor(
    private readonly file: string,
    private readonly builder: InventoryBuilder,
  ) {}

  line(raw: string, lineNo: number): void {
    const line = raw.trim();
    const where = { file: this.file, line: lineNo };
    if (!line || line.startsWith('#') || line.startsWith(';')) return;
    const section = SECTION.exec(line);
    if (section) return this.section(section[1] ?? '', section[2] ?? 'hosts', where);
    if (line.startsWith('[') && line.endsWith(']')) {
      throw inventoryError(
        `invalid section '${line}': no spaces or other characters are allowed in a section name`,
        where,
      );
    }
    if (this.state === 'hosts') parseHostLine(line, where, this.group, this.builder);
    else if (this.state === 'vars') this.varsLine(line, where);
    else this.childLine(line, where);
  }

  /** As in Ansible, [g:children] may name groups declared later and [g:vars] needs g declared somewhere. */
  private section(group: string, kind: string, where: { file: string; line: number }): void {
    if (kind !== 'hosts' && kind !== 'vars' && kind !== 'children') {
      throw inventoryError(
        `section [${group}:${kind}] has unknown type '${kind}' (hosts, vars or children)`,
        where,
      );
    }
    this.group = group;
    this.state = kind;
    if (!this.builder.hasGroup(group) && kind === 'vars' && !this.pending.has(group)) {
      this.pending.set(group, { line: where.line, state: kind, parents: [] });
    }
    this.builder.addGroup(group, { ...where, field: group });
    const waiting = this.pending.get(group)?.state;
    if (kind !== 'vars' && waiting === 'children')
      addPendingChildren(group, this.pending, this.builder, this.file);
    else if (kind !== 'vars' && waiting === 'vars') this.pending.delete(group);
  }

  private varsLine(line: string, where: { file: string; line: number }): void {
    const eq = line.indexOf('=');
    if (eq < 0) throw inventoryError(`expected key=value, got '${line}'`, where);
    const key = line.slice(0, eq).trim();
    const field = `${this.group}:vars.${key}`;
    this.builder.setGroupVar(this.group, key, parseIniValue(line.slice(eq + 1).trim()), { ...where, field });
  }

  private childLine(line: string, where: { file: string; line: number }): void {
    const child = /^([^:\]\s]+)\s*(?:[#;].*)?$/.exec(line)?.[1];
    if (!child) throw inventoryError(`expected a group name, got '${line}'`, where);
    if (this.builder.hasGroup(child))
      return this.builder.addChild(this.group, child, { ...where, field: child });
    const decl = this.pending.get(child) ?? { line: where.line, state: 'children' as const, parents: [] };
    decl.parents.push(this.group);
    this.pending.set(child, decl);
  }

  finish(): void {
    for (const [name, decl] of this.pending) {
      const where = { file: this.file, line: decl.line, field: name };
      if (decl.state === 'vars')
        throw inventoryError(`section [${name}:vars] is for a group that is never defined`, where);
      throw inventoryError(
        `section [${decl.parents.at(-1)}:children] names undefined group '${name}'`,
        where,
      );
    }
  }
}

/** Reads an Ansible INI inventory; lines before any section belong to `ungrouped`. */
export function parseIniInventory(file: string, text: string, builder: InventoryBuilder): void {
  const parser = new IniParser(file, builder);
  text.split(/\r?\n/).forEach((raw, index) => parser.line(raw, index + 1));
  parser.finish();
}
