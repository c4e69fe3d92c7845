import { runFact } from '../facts/run.js';
import type { SysctlFacts } from '../facts/sysctl.js';
import { sysctlFact } from '../facts/sysctl.js';
import type { RawArgs } from './args.js';
import { aliased, argError, checkKnown, optBool, optEnum, optString, reqString } from './args.js';
import { atomicWrite } from './atomic-write.js';
import type { Plan } from './plan.js';
import { planOf } from './plan.js';
import { q } from './shell-quote.js';
import type { Module, ModuleContext, ModuleResult } from './types.js';

const KNOWN = ['name', 'value', 'state', 'reload', 'sysctl_file', 'sysctl_set', 'ignoreerrors'] as const;

export interface SysctlArgs {
  name: string;
  value?: string;
  state: 'present' | 'absent';
  reload: boolean;
  sysctlFile: string;
  sysctlSet: boolean;
  ignoreErrors: boolean;
}

export type SysctlChange =
  | { kind: 'file'; before: string; after: string }
  | { kind: 'set'; from?: string; to: string }
  | { kind: 'reload' };

/** As Ansible: booleans become 1/0 and runs of whitespace compare equal. */
export function normalizeValue(value: unknown): string {
  if (value === true) return '1';
  if (value === false) return '0';
  const text = String(value).trim();
  if (/^(yes|true)$/i.test(text)) return '1';
  if (/^(no|false)$/i.test(text)) return '0';
  return text.split(/\s+/).join(' ');
}

export function parseSysctlArgs(raw: RawArgs): SysctlArgs {
  const args = aliased(raw, 'name', ['key']);
  checkKnown('sysctl', args, KNOWN);
  const state = optEnum('sysctl', args, 'state', ['present', 'absent'] as const) ?? 'present';
  const value = args.value === undefined || args.value === null ? undefined : normalizeValue(args.value);
  if (state === 'present' && (value === undefined || value === ''))
    throw argError('sysctl', 'value', 'is required with state=present');
  return {
    name: reqString('sysctl', args, 'name').replaceAll('/', '.'),
    value,
    state,
    reload: optBool('sysctl', args, 'reload') ?? true,
    sysctlFile: optString('sysctl', args, 'sysctl_file') ?? '/etc/sysctl.conf',
    sysctlSet: optBool('sysctl', args, 'sysctl_set') ?? false,
    ignoreErrors: optBool('sysctl', args, 'ignoreerrors') ?? false,
  };
}

function keyOf(line: string): string | undefined {
  const text = line.trim();
  if (text === '' || text.startsWith('#') || text.startsWith(';')) return undefined;
  const eq = text.indexOf('=');
  return eq < 0 ? undefined : text.slice(0, eq).trim().replaceAll('/', '.');
}

/** Pure: the file with the key set once (first place it was), or removed everywhere. */
export function editSysctlFile(content: string, args: SysctlArgs): string {
  const lines = content === '' ? [] : content.replace(/\n$/, '').split('\n');
  const out: string[] = [];
  let placed = false;
  for (const line of lines) {
    if (keyOf(line) !== args.name) out.push(line);
    else if (args.state === 'present' && !placed) {
      const old = normalizeValue(line.slice(line.indexOf('=') + 1));
      out.push(old === args.value ? line : `${args.name}=${args.value ?? ''}`);
      placed = true;
    }
  }
  if (args.state === 'present' && !placed) out.push(`${args.name}=${args.value ?? ''}`);
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

/** Pure: file edit, live set (sysctl_set) and reload (after a file change), as needed. */
export function planSysctl(args: SysctlArgs, facts: SysctlFacts): Plan<SysctlChange> {
  const changes: SysctlChange[] = [];
  const after = editSysctlFile(facts.fileContent, args);
  if (after !== facts.fileContent) changes.push({ kind: 'file', before: facts.fileContent, after });
  const live = facts.current === undefined ? undefined : normalizeValue(facts.current);
  if (args.state === 'present' && args.sysctlSet && live !== args.value) {
    changes.push({ kind: 'set', from: live, to: args.value ?? '' });
  }
  if (args.reload && changes.some((c) => c.kind === 'file')) changes.push({ kind: 'reload' });
  return planOf(
    changes,
    `${args.name} is already ${args.state === 'present' ? args.value : 'absent'}`,
    changes.map((c) => c.kind).join(', '),
  );
}

async function applyChange(
  change: SysctlChange,
  args: SysctlArgs,
  ctx: ModuleContext,
): Promise<string | undefined> {
  if (change.kind === 'file') {
    const res = await atomicWrite(ctx.remote, { dest: args.sysctlFile, content: change.after });
    return res.ok ? undefined : res.msg;
  }
  const cmd =
    change.kind === 'set'
      ? `sysctl -w ${q(`${args.name}=${change.to}`)}`
      : `sysctl ${args.ignoreErrors ? '-e ' : ''}-p ${q(args.sysctlFile)}`;
  const res = await ctx.remote.exec(cmd);
  return res.rc === 0 ? undefined : `${cmd} failed: ${(res.stderr || res.stdout).trim()}`;
}

async function runSysctl(raw: RawArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const args = parseSysctlArgs(raw);
  const plan = planSysctl(args, await runFact(ctx.remote, sysctlFact(args.name, args.sysctlFile)));
  const file = plan.changes.find((c) => c.kind === 'file');
  const diff =
    ctx.diff && file?.kind === 'file'
      ? { diff: [{ path: args.sysctlFile, before: file.before, after: file.after }] }
      : {};
  const base: ModuleResult = {
    changed: plan.changes.length > 0,
    msg: plan.reason,
    name: args.name,
    value: args.value,
    state: args.state,
    ...diff,
  };
  if (!base.changed || ctx.check) return base;
  for (const change of plan.changes) {
    const error = await applyChange(change, args, ctx);
    if (error !== undefined) return { ...base, failed: true, msg: error };
  }
  return base;
}

export const sysctlModule: Module = {
  name: 'sysctl',
  aliases: ['ansible.posix.sysctl'],
  validate: (args) => void parseSysctlArgs(args),
  run: runSysctl,
};
