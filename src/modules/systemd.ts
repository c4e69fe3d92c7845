import type { UnitState } from '../facts/systemd.js';
import { unitFact } from '../facts/systemd.js';
import { runFact } from '../facts/run.js';
import type { RawArgs } from './args.js';
import { aliased, argError, checkKnown, optBool, optEnum, optString } from './args.js';
import type { Plan } from './plan.js';
import { planOf } from './plan.js';
import { q } from './shell-quote.js';
import type { Module, ModuleContext, ModuleResult } from './types.js';

const KNOWN = ['name', 'state', 'enabled', 'masked', 'daemon_reload', 'scope', 'no_block'] as const;
const STATES = ['started', 'stopped', 'restarted', 'reloaded'] as const;

export interface SystemdArgs {
  name?: string;
  state?: (typeof STATES)[number];
  enabled?: boolean;
  masked?: boolean;
  daemonReload: boolean;
}

/** The systemctl verbs to run, in order (mask/unmask, enable/disable, then the state). */
export type SystemdChange =
  'unmask' | 'mask' | 'enable' | 'disable' | 'start' | 'stop' | 'restart' | 'reload';

function parseArgsFor(module: string, raw: RawArgs): SystemdArgs {
  const args = aliased(raw, 'name', ['service', 'unit']);
  checkKnown(module, args, KNOWN);
  const parsed: SystemdArgs = {
    name: optString(module, args, 'name'),
    state: optEnum(module, args, 'state', STATES),
    enabled: optBool(module, args, 'enabled'),
    masked: optBool(module, args, 'masked'),
    daemonReload: optBool(module, args, 'daemon_reload') ?? false,
  };
  const wantsUnit = parsed.state !== undefined || parsed.enabled !== undefined || parsed.masked !== undefined;
  if (wantsUnit && parsed.name === undefined)
    throw argError(module, 'name', 'is required with state, enabled or masked');
  if (!wantsUnit && !parsed.daemonReload) {
    throw argError(module, 'state', 'one of state, enabled, masked or daemon_reload is required');
  }
  optEnum(module, args, 'scope', ['system'] as const);
  optBool(module, args, 'no_block');
  return parsed;
}

export function parseSystemdArgs(raw: RawArgs): SystemdArgs {
  return parseArgsFor('systemd', raw);
}

const RUNNING = new Set(['active', 'activating', 'reloading']);
const ENABLED = new Set(['enabled', 'enabled-runtime', 'alias', 'indirect', 'linked']);

/** Pure: the verbs that bring the unit to the wanted state; restarted and reloaded always act. */
export function planSystemd(args: SystemdArgs, unit: UnitState): Plan<SystemdChange> & { error?: string } {
  const masked = unit.loadState === 'masked' || unit.unitFileState.startsWith('masked');
  if (unit.loadState === 'not-found' && args.masked !== true) {
    const error = `Could not find the requested service ${args.name ?? ''}`;
    return { changes: [], reason: error, error };
  }
  const changes: SystemdChange[] = [];
  if (args.masked === true && !masked) changes.push('mask');
  if (args.masked === false && masked) changes.push('unmask');
  const running = RUNNING.has(unit.activeState);
  const enabledNow = ENABLED.has(unit.unitFileState);
  if (args.enabled === true && !enabledNow) changes.push('enable');
  if (args.enabled === false && enabledNow) changes.push('disable');
  if (args.state === 'started' && !running) changes.push('start');
  if (args.state === 'stopped' && running) changes.push('stop');
  if (args.state === 'restarted') changes.push('restart');
  // As Ansible: reloading a stopped unit starts it.
  if (args.state === 'reloaded') changes.push(running ? 'reload' : 'start');
  return planOf(
    changes,
    `unit is ${unit.activeState} and ${unit.unitFileState || 'has no unit file state'}`,
    changes.join(', '),
  );
}

function resultState(args: SystemdArgs, unit: UnitState, changes: readonly SystemdChange[]) {
  const running = RUNNING.has(unit.activeState);
  const stopped = changes.includes('stop');
  const started = changes.some((c) => c === 'start' || c === 'restart' || c === 'reload');
  return {
    name: args.name,
    state: stopped ? 'stopped' : started || running ? 'started' : 'stopped',
    ...(args.enabled !== undefined ? { enabled: args.enabled } : {}),
    status: {
      ActiveState: unit.activeState,
      SubState: unit.subState,
      LoadState: unit.loadState,
      UnitFileState: unit.unitFileState,
    },
  };
}

async function runSystemd(raw: RawArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const args = parseSystemdArgs(raw);
  if (args.daemonReload && !ctx.check) {
    const res = await ctx.remote.exec('systemctl daemon-reload');
    if (res.rc !== 0)
      return { changed: false, failed: true, msg: `daemon-reload failed: ${res.stderr.trim()}`, ...res };
  }
  if (args.name === undefined) return { changed: false, msg: 'daemon reloaded' };
  const unit = await runFact(ctx.remote, unitFact(args.name));
  const plan = planSystemd(args, unit);
  if (plan.error !== undefined) {
    // In check mode the unit file may come from an earlier task that was only reported.
    if (ctx.check) return { changed: true, name: args.name, msg: `${plan.error}; would act once it exists` };
    return { changed: false, failed: true, msg: `${plan.error}: host ${ctx.remote.hostName}` };
  }
  const base: ModuleResult = {
    changed: plan.changes.length > 0,
    msg: plan.reason,
    ...resultState(args, unit, plan.changes),
  };
  if (!base.changed || ctx.check) return base;
  for (const verb of plan.changes) {
    const res = await ctx.remote.exec(`systemctl ${verb} -- ${q(args.name)}`);
    if (res.rc !== 0) {
      return {
        ...base,
        failed: true,
        msg: `Unable to ${verb} service ${args.name}: ${res.stderr.trim()}`,
        rc: res.rc,
        stderr: res.stderr,
      };
    }
  }
  return base;
}

export const systemdModule: Module = {
  name: 'systemd',
  aliases: [
    'ansible.builtin.systemd',
    'systemd_service',
    'ansible.builtin.systemd_service',
    'service',
    'ansible.builtin.service',
  ],
  validate: (args) => void parseSystemdArgs(args),
  run: runSystemd,
};
