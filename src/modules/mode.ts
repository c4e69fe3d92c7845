import { argError } from './args.js';

/** A requested mode: absolute bits, or Ansible's symbolic form applied to the current mode. */
export type ModeSpec = { kind: 'octal'; bits: number } | { kind: 'symbolic'; text: string };

const SYMBOLIC = /^[ugoa]*([-+=][rwxXst]*)+$/;

/**
 * Numbers are the mode itself, as Ansible takes them (YAML 1.1 reads `0644` as 420);
 * strings are octal ("0644", "644", "0o644") or symbolic ("u=rw,g=r,o=r", "a+x").
 */
export function parseMode(module: string, field: string, value: unknown): ModeSpec | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0 && value <= 0o7777) return { kind: 'octal', bits: value };
    throw argError(module, field, `mode ${value} is out of range`);
  }
  if (typeof value !== 'string') throw argError(module, field, 'must be an octal string or a number');
  const text = value.trim();
  const octal = /^(?:0o)?([0-7]{1,4})$/.exec(text);
  if (octal?.[1] !== undefined) return { kind: 'octal', bits: parseInt(octal[1], 8) };
  if (text !== '' && text.split(',').every((clause) => SYMBOLIC.test(clause))) {
    return { kind: 'symbolic', text };
  }
  throw argError(module, field, `${JSON.stringify(value)} is neither an octal nor a symbolic mode`);
}

const WHO_MASKS: Record<string, number> = { u: 0o4700, g: 0o2070, o: 0o1007 };

function permBits(perms: string, current: number, isDir: boolean): number {
  let bits = 0;
  for (const p of perms) {
    if (p === 'r') bits |= 0o444;
    else if (p === 'w') bits |= 0o222;
    else if (p === 'x') bits |= 0o111;
    else if (p === 'X' && (isDir || (current & 0o111) !== 0)) bits |= 0o111;
    else if (p === 's') bits |= 0o6000;
    else if (p === 't') bits |= 0o1000;
  }
  return bits;
}

function applyClause(clause: string, current: number, isDir: boolean): number {
  const who = /^[ugoa]*/.exec(clause)?.[0] ?? '';
  const mask = (who === '' || who.includes('a') ? 'ugo' : who)
    .split('')
    .reduce((m, w) => m | (WHO_MASKS[w] ?? 0), 0);
  let mode = current;
  for (const [, op, perms] of clause.slice(who.length).matchAll(/([-+=])([rwxXst]*)/g)) {
    const bits = permBits(perms ?? '', mode, isDir) & mask;
    if (op === '+') mode |= bits;
    else if (op === '-') mode &= ~bits;
    else mode = (mode & ~mask) | bits;
  }
  return mode;
}

/** The mode a file ends with: what it is now, with the spec applied. */
export function resolveMode(spec: ModeSpec, current: number, isDir: boolean): number {
  if (spec.kind === 'octal') return spec.bits;
  return spec.text.split(',').reduce((mode, clause) => applyClause(clause, mode, isDir), current);
}

/** Ansible reports modes as four-digit octal strings ("0644"). */
export function formatMode(bits: number): string {
  return bits.toString(8).padStart(4, '0');
}
