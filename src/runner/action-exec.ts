import { IngressError, formatError } from '../errors.js';
import type { ModuleContext } from '../modules/types.js';
import { relocate } from './action-resolve.js';
import type { BecomeRequest } from './deps.js';
import { renderEnvironment, withEnvironment } from './host-flags.js';
import type { Inherited } from './inherit.js';
import type { ActionTask } from './model.js';
import type { TaskResult } from './output-types.js';
import type { PlayRun } from './play-run.js';
import { OMIT } from './play-run.js';

/** One attempt of one task on one host, with its variables resolved. */
export interface AttemptEnv {
  pr: PlayRun;
  task: ActionTask;
  eff: Inherited;
  host: string;
  vars: Record<string, unknown>;
}

export function isUnreachableError(err: unknown): boolean {
  return err instanceof IngressError && (err.code === 'E_UNREACHABLE' || err.code === 'E_HOSTKEY');
}

export function failure(err: unknown): TaskResult {
  if (isUnreachableError(err)) return { changed: false, unreachable: true, msg: formatError(err) };
  return { changed: false, failed: true, msg: formatError(err) };
}

/** Modules of other platforms or collections load, and fail only on a host that would run them. */
export function unsupportedMessage(action: string): string {
  return `the module '${action}' is not supported by ingress (it runs Debian modules only); this task would run on this host`;
}

/** Drops arguments rendered to `omit`, at any depth of mappings. */
export function stripOmit(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== OMIT).map(stripOmit);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) if (v !== OMIT) out[key] = stripOmit(v);
    return out;
  }
  return value;
}

function moduleContext(env: AttemptEnv, remote: ModuleContext['remote']): ModuleContext {
  const { pr, task, eff, vars } = env;
  return {
    remote,
    check: eff.checkMode === undefined ? pr.options.check : eff.checkMode === true,
    diff: pr.options.diff,
    playbookDir: pr.playbook.dir,
    taskDir: task.taskDir,
    vars,
    renderTemplate: (source, templatePath) => pr.deps.templar.renderText(source, vars, templatePath),
    now: () => pr.deps.now(),
  };
}

function renderArgs(env: AttemptEnv): Record<string, unknown> {
  const rendered = stripOmit(env.pr.deps.templar.renderValue(env.task.args, env.vars));
  return rendered as Record<string, unknown>;
}

/** The task's host, or the one named by delegate_to (its own connection variables), with the environment. */
async function connectFor(env: AttemptEnv, become: BecomeRequest): Promise<ModuleContext['remote']> {
  const { pr, eff, host, vars } = env;
  const target = eff.delegateTo ?? host;
  let connVars = vars;
  if (target !== host) {
    const known = pr.deps.inventory.hosts.has(target);
    connVars = known
      ? pr.baseVars(target)
      : { ansible_connection: LOCAL_NAMES.has(target) ? 'local' : 'ssh' };
    connVars = { ...connVars, inventory_hostname: target, ansible_host: connVars.ansible_host ?? target };
  }
  const remote = await pr.deps.connect(target, connVars, become);
  return withEnvironment(remote, renderEnvironment(pr, eff.environment, vars));
}

const LOCAL_NAMES = new Set(['localhost', '127.0.0.1', '::1']);

/** Renders the arguments, validates them, connects (become applied) and runs the module. */
export async function runModule(env: AttemptEnv): Promise<TaskResult> {
  const { pr, task, eff } = env;
  const module = pr.deps.lookupModule(task.action);
  if (!module) return { changed: false, failed: true, msg: unsupportedMessage(task.action) };
  let args: Record<string, unknown>;
  try {
    args = renderArgs(env);
    module.validate(args);
  } catch (err) {
    return failure(relocate(err, task.action, task.location));
  }
  try {
    const become = {
      ...(eff.become !== undefined ? { become: eff.become === true } : {}),
      ...(eff.becomeUser ? { becomeUser: eff.becomeUser } : {}),
    };
    const remote = await connectFor(env, become);
    const result = await module.run(args, moduleContext(env, remote));
    return { ...result };
  } catch (err) {
    return failure(err);
  }
}
