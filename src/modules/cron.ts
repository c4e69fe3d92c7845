import { shq } from '../facts/quote.js';
import type { RawArgs } from './args.js';
import { argError, checkKnown, optBool, optEnum, optString, reqString } from './args.js';
import type { CronSpec } from './cron-plan.js';
import { editCrontab } from './cron-plan.js';
import { runTextEdit } from './text-edit.js';
import type { Module, ModuleContext, ModuleResult } from './types.js';

const KNOWN = [
  'name',
  'state',
  'job',
  'minute',
  'hour',
  'day',
  'month',
  'weekday',
  'special_time',
  'disabled',
  'user',
  'cron_file',
  'backup',
] as const;
const SPECIAL = ['reboot', 'yearly', 'annually', 'monthly', 'weekly', 'daily', 'hourly'] as const;

export interface CronArgs {
  spec: CronSpec;
  user: string;
  cronFile?: string;
}

export function parseCronArgs(raw: RawArgs): CronArgs {
  checkKnown('cron', raw, KNOWN);
  const m = 'cron';
  const field = (key: string) => optString(m, raw, key) ?? '*';
  const cronFile = optString(m, raw, 'cron_file');
  const user = optString(m, raw, 'user') ?? 'root';
  const spec: CronSpec = {
    name: reqString(m, raw, 'name'),
    state: optEnum(m, raw, 'state', ['present', 'absent'] as const) ?? 'present',
    job: optString(m, raw, 'job'),
    minute: field('minute'),
    hour: field('hour'),
    day: field('day'),
    month: field('month'),
    weekday: field('weekday'),
    specialTime: optEnum(m, raw, 'special_time', SPECIAL),
    disabled: optBool(m, raw, 'disabled') ?? false,
    ...(cronFile !== undefined ? { user } : {}),
  };
  if (spec.state === 'present' && spec.job === undefined)
    throw argError(m, 'job', 'is required with state=present');
  return { spec, user, ...(cronFile !== undefined ? { cronFile } : {}) };
}

function cronFilePath(name: string): string {
  return name.startsWith('/') ? name : `/etc/cron.d/${name}`;
}

/** A user's crontab is read with `crontab -l` and replaced whole with `crontab -`, as Ansible does. */
async function runUserCrontab(args: CronArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const read = await ctx.remote.exec(`crontab -l -u ${shq(args.user)} 2>/dev/null || true`);
  const before = read.stdout;
  const after = editCrontab(before, args.spec);
  const changed = after !== before;
  const diff = ctx.diff && changed ? [{ path: `crontab of ${args.user}`, before, after }] : undefined;
  const base: ModuleResult = { changed, jobs: [args.spec.name], ...(diff ? { diff } : {}) };
  if (!changed || ctx.check) return base;
  const write = await ctx.remote.exec(`crontab -u ${shq(args.user)} -`, { stdin: after });
  if (write.rc !== 0)
    return { ...base, changed: false, failed: true, msg: write.stderr.trim(), rc: write.rc };
  return base;
}

async function runCron(raw: RawArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const args = parseCronArgs(raw);
  if (args.cronFile === undefined) return runUserCrontab(args, ctx);
  const path = cronFilePath(args.cronFile);
  const file = { path, create: true, backup: false, mode: undefined };
  if (args.spec.state === 'absent')
    return runTextEdit('cron', { ...file, create: false }, (t) => editCrontab(t, args.spec), ctx);
  return runTextEdit('cron', file, (t) => editCrontab(t, args.spec), ctx);
}

export const cronModule: Module = {
  name: 'cron',
  aliases: ['ansible.builtin.cron'],
  validate: (args) => void parseCronArgs(args),
  run: runCron,
};
