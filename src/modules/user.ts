import type { ExecResult } from '../transport/types.js';
import { shq } from '../facts/quote.js';
import type { RawArgs } from './args.js';
import {
  aliased,
  checkKnown,
  optBool,
  optEnum,
  optNumber,
  optString,
  optStringList,
  reqString,
} from './args.js';
import type { Plan } from './plan.js';
import { planOf } from './plan.js';
import { q } from './shell-quote.js';
import type { Module, ModuleContext, ModuleResult } from './types.js';

const KNOWN = [
  'name',
  'state',
  'uid',
  'group',
  'groups',
  'append',
  'shell',
  'home',
  'comment',
  'system',
  'create_home',
  'password',
  'remove',
  'force',
  'update_password',
  'move_home',
  'password_lock',
  'local',
] as const;

export interface UserArgs {
  name: string;
  state: 'present' | 'absent';
  uid?: number;
  group?: string;
  groups?: string[];
  append: boolean;
  shell?: string;
  home?: string;
  comment?: string;
  system: boolean;
  createHome: boolean;
  password?: string;
  remove: boolean;
  force: boolean;
  moveHome: boolean;
}

/** A user as getent and id report it. */
export interface UserFact {
  exists: boolean;
  uid?: number;
  group?: string;
  groups?: string[];
  comment?: string;
  home?: string;
  shell?: string;
}

export type UserChange = { kind: 'add' } | { kind: 'delete' } | { kind: 'modify'; flags: string[] };

export function parseUserArgs(raw: RawArgs): UserArgs {
  const args = aliased(raw, 'create_home', ['createhome']);
  checkKnown('user', args, KNOWN);
  const m = 'user';
  return {
    name: reqString(m, args, 'name'),
    state: optEnum(m, args, 'state', ['present', 'absent'] as const) ?? 'present',
    uid: optNumber(m, args, 'uid'),
    group: optString(m, args, 'group'),
    groups: optStringList(m, args, 'groups')?.filter((g) => g !== ''),
    append: optBool(m, args, 'append') ?? false,
    shell: optString(m, args, 'shell'),
    home: optString(m, args, 'home'),
    comment: optString(m, args, 'comment'),
    system: optBool(m, args, 'system') ?? false,
    createHome: optBool(m, args, 'create_home') ?? true,
    password: optString(m, args, 'password'),
    remove: optBool(m, args, 'remove') ?? false,
    force: optBool(m, args, 'force') ?? false,
    moveHome: optBool(m, args, 'move_home') ?? false,
  };
}

export function userFactCommand(name: string): string {
  const n = shq(name);
  return `getent passwd ${n} || exit 0; echo; id -gn ${n}; id -Gn ${n}`;
}

/** Parses the passwd line, then the primary group and the group list. */
export function parseUserFact(result: ExecResult): UserFact {
  const [passwd = '', , primary = '', all = ''] = result.stdout.split('\n');
  const f = passwd.split(':');
  if (f.length < 7) return { exists: false };
  return {
    exists: true,
    uid: Number(f[2]),
    comment: f[4] ?? '',
    home: f[5] ?? '',
    shell: f[6] ?? '',
    group: primary.trim(),
    groups: all
      .trim()
      .split(/\s+/)
      .filter((g) => g !== '' && g !== primary.trim()),
  };
}

function groupFlags(args: UserArgs, fact: UserFact): string[] {
  if (args.groups === undefined) return [];
  const have = new Set(fact.groups ?? []);
  const want = args.groups.filter((g) => g !== fact.group);
  if (args.append) {
    const missing = want.filter((g) => !have.has(g));
    return missing.length === 0 ? [] : ['-a', '-G', missing.join(',')];
  }
  const same = want.length === have.size && want.every((g) => have.has(g));
  return same ? [] : ['-G', want.join(',')];
}

/** usermod flags for what differs; none means the user is as wanted. */
export function modifyFlags(args: UserArgs, fact: UserFact): string[] {
  const flags: string[] = [];
  if (args.uid !== undefined && args.uid !== fact.uid) flags.push('-u', String(args.uid));
  if (args.group !== undefined && args.group !== fact.group) flags.push('-g', args.group);
  if (args.shell !== undefined && args.shell !== fact.shell) flags.push('-s', args.shell);
  if (args.home !== undefined && args.home !== fact.home)
    flags.push('-d', args.home, ...(args.moveHome ? ['-m'] : []));
  if (args.comment !== undefined && args.comment !== fact.comment) flags.push('-c', args.comment);
  return [...flags, ...groupFlags(args, fact)];
}

export function planUser(args: UserArgs, fact: UserFact): Plan<UserChange> {
  if (args.state === 'absent')
    return planOf(fact.exists ? [{ kind: 'delete' }] : [], 'user is absent', `delete user ${args.name}`);
  if (!fact.exists) return planOf([{ kind: 'add' }], '', `add user ${args.name}`);
  const flags = modifyFlags(args, fact);
  return planOf(
    flags.length ? [{ kind: 'modify', flags }] : [],
    'user is as wanted',
    `usermod ${flags.join(' ')}`,
  );
}

export function userCommand(args: UserArgs, change: UserChange): string {
  const name = q(args.name);
  if (change.kind === 'delete') return `userdel ${args.remove ? '-r ' : ''}${args.force ? '-f ' : ''}${name}`;
  if (change.kind === 'modify') return `usermod ${change.flags.map(q).join(' ')} ${name}`;
  const flags: string[] = [];
  if (args.uid !== undefined) flags.push('-u', String(args.uid));
  if (args.group !== undefined) flags.push('-g', args.group);
  if (args.groups !== undefined && args.groups.length > 0) flags.push('-G', args.groups.join(','));
  if (args.shell !== undefined) flags.push('-s', args.shell);
  if (args.home !== undefined) flags.push('-d', args.home);
  if (args.comment !== undefined) flags.push('-c', args.comment);
  if (args.password !== undefined) flags.push('-p', args.password);
  if (args.system) flags.push('-r');
  flags.push(args.createHome ? '-m' : '-M');
  return `useradd ${flags.map(q).join(' ')} ${name}`;
}

async function runUser(raw: RawArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const args = parseUserArgs(raw);
  const fact = parseUserFact(await ctx.remote.exec(userFactCommand(args.name)));
  const plan = planUser(args, fact);
  const base: ModuleResult = {
    changed: plan.changes.length > 0,
    msg: plan.reason,
    name: args.name,
    state: args.state,
  };
  if (!base.changed || ctx.check)
    return { ...base, ...(fact.uid !== undefined ? { uid: fact.uid, home: fact.home } : {}) };
  for (const change of plan.changes) {
    const res = await ctx.remote.exec(userCommand(args, change));
    if (res.rc !== 0) return { ...base, changed: false, failed: true, msg: res.stderr.trim(), rc: res.rc };
  }
  const after = parseUserFact(await ctx.remote.exec(userFactCommand(args.name)));
  return { ...base, ...(after.uid !== undefined ? { uid: after.uid, home: after.home } : {}) };
}

export const userModule: Module = {
  name: 'user',
  aliases: ['ansible.builtin.user'],
  validate: (args) => void parseUserArgs(args),
  run: runUser,
};
