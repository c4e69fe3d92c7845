import type { Remote } from '../modules/types.js';
import type { Inherited } from './inherit.js';
import type { Flag } from './model.js';
import type { PlayRun } from './play-run.js';
import { effVars } from './play-run.js';

function resolveFlag(pr: PlayRun, flag: Flag, vars: Record<string, unknown>): boolean {
  return typeof flag === 'boolean' ? flag : pr.deps.templar.isTrue(flag, vars);
}

/**
 * Templated keywords (`ignore_errors: "{{ ansible_check_mode }}"`) become
 * plain booleans for one host, rendered with that host's variables.
 */
export function resolveFlags(pr: PlayRun, eff: Inherited, host: string): Inherited {
  const flags = [eff.ignoreErrors, eff.noLog, eff.become, eff.checkMode];
  if (!flags.some((f) => typeof f === 'string') && eff.delegateTo === undefined) return eff;
  const vars = effVars(pr, eff, host);
  const out: Inherited = {
    ...eff,
    ignoreErrors: resolveFlag(pr, eff.ignoreErrors, vars),
    noLog: resolveFlag(pr, eff.noLog, vars),
  };
  if (eff.become !== undefined) out.become = resolveFlag(pr, eff.become, vars);
  if (eff.checkMode !== undefined) out.checkMode = resolveFlag(pr, eff.checkMode, vars);
  if (eff.delegateTo !== undefined) out.delegateTo = pr.deps.templar.renderText(eff.delegateTo, vars);
  return out;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The task's `environment:` mappings rendered and merged, inner keys winning. */
export function renderEnvironment(
  pr: PlayRun,
  layers: readonly unknown[],
  vars: Record<string, unknown>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const layer of layers) {
    const rendered = pr.deps.templar.renderValue(layer, vars);
    if (rendered === null || rendered === undefined || rendered === '') continue;
    if (typeof rendered !== 'object' || Array.isArray(rendered)) {
      throw new Error('environment must be a mapping of variable names to values');
    }
    for (const [key, value] of Object.entries(rendered)) {
      if (!ENV_NAME.test(key)) throw new Error(`environment: '${key}' is not a variable name`);
      out[key] = typeof value === 'string' ? value : JSON.stringify(value);
    }
  }
  return out;
}

/** The environment applies to every command a module runs, as Ansible sets it for the module. */
export function withEnvironment(remote: Remote, env: Record<string, string>): Remote {
  if (Object.keys(env).length === 0) return remote;
  return {
    hostName: remote.hostName,
    exec: (command, options = {}) => remote.exec(command, { ...options, env: { ...env, ...options.env } }),
    put: (path, content, options) => remote.put(path, content, options),
    get: (path) => remote.get(path),
  };
}
