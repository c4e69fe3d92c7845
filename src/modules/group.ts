import type { ExecResult } from '../transport/types.js';
import { shq } from '../facts/quote.js';
import type { RawArgs } from './args.js';
import { checkKnown, optBool, optEnum, optNumber, reqString } from './args.js';
import type { Plan } from './plan.js';
import { planOf } from './plan.js';
import { q } from './shell-quote.js';
import type { Module, ModuleContext, ModuleResult } from './types.js';

const KNOWN = ['name', 'state', 'gid', 'system', 'local', 'non_unique', 'force'] as const;

export interface GroupArgs {
  name: string;
  state: 'present' | 'absent';
  gid?: number;
  system: boolean;
}

/** What getent says of a group; absent when it printed nothing. */
export interface GroupFact {
  exists: boolean;
  gid?: number;
}

export type GroupChange = { kind: 'add' } | { kind: 'gid'; from?: number; to: number } | { kind: 'delete' };

export function parseGroupArgs(raw: RawArgs): GroupArgs {
  checkKnown('group', raw, KNOWN);
  return {
    name: reqString('group', raw, 'name'),
    state: optEnum('group', raw, 'state', ['present', 'absent'] as const) ?? 'present',
    gid: optNumber('group', raw, 'gid'),
    system: optBool('group', raw, 'system') ?? false,
  };
}

export function parseGetentGroup(result: ExecResult): GroupFact {
  const fields = result.stdout.trim().split(':');
  if (result.rc !== 0 || fields.length < 3) return { exists: false };
  return { exists: true, gid: Number(fields[2]) };
}

export function planGroup(args: GroupArgs, fact: GroupFact): Plan<GroupChange> {
  if (args.state === 'absent') {
    return planOf(fact.exists ? [{ kind: 'delete' }] : [], 'group is absent', `delete group ${args.name}`);
  }
  if (!fact.exists) return planOf([{ kind: 'add' }], '', `add group ${args.name}`);
  const changes: GroupChange[] = [];
  if (args.gid !== undefined && args.gid !== fact.gid)
    changes.push({ kind: 'gid', from: fact.gid, to: args.gid });
  return planOf(changes, 'group is as wanted', `set gid of ${args.name} to ${args.gid}`);
}

export function groupCommand(args: GroupArgs, change: GroupChange): string {
  if (change.kind === 'delete') return `groupdel ${q(args.name)}`;
  if (change.kind === 'gid') return `groupmod -g ${change.to} ${q(args.name)}`;
  const gid = args.gid !== undefined ? `-g ${args.gid} ` : '';
  return `groupadd ${args.system ? '-r ' : ''}${gid}${q(args.name)}`;
}

async function runGroup(raw: RawArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const args = parseGroupArgs(raw);
  const fact = parseGetentGroup(await ctx.remote.exec(`getent group ${shq(args.name)}`));
  const plan = planGroup(args, fact);
  const base: ModuleResult = {
    changed: plan.changes.length > 0,
    msg: plan.reason,
    name: args.name,
    state: args.state,
  };
  if (!base.changed || ctx.check) return { ...base, ...(fact.gid !== undefined ? { gid: fact.gid } : {}) };
  for (const change of plan.changes) {
    const res = await ctx.remote.exec(groupCommand(args, change));
    if (res.rc !== 0) return { ...base, changed: false, failed: true, msg: res.stderr.trim(), rc: res.rc };
  }
  const after = parseGetentGroup(await ctx.remote.exec(`getent group ${shq(args.name)}`));
  return { ...base, ...(after.gid !== undefined ? { gid: after.gid } : {}) };
}

export const groupModule: Module = {
  name: 'group',
  aliases: ['ansible.builtin.group'],
  validate: (args) => void parseGroupArgs(args),
  run: runGroup,
};
