import { IngressError } from '../errors.js';
import type { Module } from '../modules/types.js';
import { containsTemplate } from './fields.js';
import { COLLECTION_ALIASES } from './foreign-modules.js';
import type { RunnerActionName, TaskLocation } from './model.js';

const RUNNER_ACTIONS: ReadonlySet<string> = new Set(['debug', 'set_fact', 'assert', 'fail', 'meta']);
const PREFIXES = ['ansible.builtin.', 'ansible.legacy.'];
export const META_ACTIONS = new Set(['flush_handlers', 'noop', 'end_play']);

export interface ResolvedAction {
  action: string;
  runnerAction?: RunnerActionName;
  module?: Module;
}

export function stripPrefix(name: string): string {
  const prefix = PREFIXES.find((p) => name.startsWith(p));
  return prefix ? name.slice(prefix.length) : name;
}

/** A key names an action when it is a runner action or a module, with or without `ansible.builtin.`. */
export function resolveAction(
  key: string,
  lookup: (name: string) => Module | undefined,
): ResolvedAction | undefined {
  const short = COLLECTION_ALIASES[key] ?? stripPrefix(key);
  if (RUNNER_ACTIONS.has(short)) return { action: short, runnerAction: short as RunnerActionName };
  const module = lookup(short) ?? lookup(key);
  return module ? { action: module.name, module } : undefined;
}

function invalid(action: string, location: TaskLocation, field: string, message: string): IngressError {
  return new IngressError('E_VALIDATION', `${action}: ${field}: ${message}`, {
    location: { ...location, field },
  });
}

function onlyKeys(
  action: string,
  args: Record<string, unknown>,
  allowed: string[],
  location: TaskLocation,
): void {
  for (const key of Object.keys(args)) {
    if (!allowed.includes(key))
      throw invalid(action, location, key, `unsupported parameter (known: ${allowed.join(', ')})`);
  }
}

/** The runner's own actions are checked before any host is touched. */
export function validateRunnerAction(
  action: RunnerActionName,
  args: Record<string, unknown>,
  location: TaskLocation,
): void {
  switch (action) {
    case 'debug':
      onlyKeys(action, args, ['msg', 'var', 'verbosity'], location);
      if ('msg' in args && 'var' in args)
        throw invalid(action, location, 'var', 'msg and var are mutually exclusive');
      return;
    case 'fail':
      return onlyKeys(action, args, ['msg'], location);
    case 'assert':
      onlyKeys(action, args, ['that', 'fail_msg', 'msg', 'success_msg', 'quiet'], location);
      if (args.that === undefined) throw invalid(action, location, 'that', 'is required');
      return;
    case 'set_fact':
      return validateSetFact(args, location);
    case 'meta':
      return validateMeta(args, location);
  }
}

function validateSetFact(args: Record<string, unknown>, location: TaskLocation): void {
  const names = Object.keys(args).filter((key) => key !== 'cacheable');
  if (names.length === 0) throw invalid('set_fact', location, 'set_fact', 'needs at least one variable');
  for (const name of names) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      throw invalid('set_fact', location, name, 'is not a valid variable name');
  }
}

function validateMeta(args: Record<string, unknown>, location: TaskLocation): void {
  const what = args._raw_params;
  if (typeof what !== 'string' || !META_ACTIONS.has(what)) {
    throw invalid('meta', location, 'meta', `supported: ${[...META_ACTIONS].join(', ')}`);
  }
}

/**
 * Module arguments without templates are checked now; those with templates are
 * checked per host after rendering (a failure then fails that host's task).
 */
export function validateModuleStatically(
  module: Module,
  args: Record<string, unknown>,
  location: TaskLocation,
): void {
  if (containsTemplate(args)) return;
  try {
    module.validate(args);
  } catch (err) {
    throw relocate(err, module.name, location);
  }
}

/** Module errors name the module as file; point them at the task instead. */
export function relocate(err: unknown, action: string, location: TaskLocation): IngressError {
  const field = err instanceof IngressError ? err.location?.field : undefined;
  const message = err instanceof Error ? err.message : String(err);
  const text = message.startsWith(`${action}:`) ? message : `${action}: ${message}`;
  return new IngressError(err instanceof IngressError ? err.code : 'E_VALIDATION', text, {
    cause: err,
    location: { ...location, ...(field ? { field } : {}) },
  });
}
