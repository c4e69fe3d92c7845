import { IngressError } from '../errors.js';
import { readCondition, readNumber, readString, readStringList } from './fields.js';
import { freeFormArgs } from './free-form.js';
import type { ActionTask, RetrySpec } from './model.js';
import {
  resolveAction,
  stripPrefix,
  validateModuleStatically,
  validateRunnerAction,
} from './action-resolve.js';
import { isForeignModule } from './foreign-modules.js';
import type { ParseContext } from './task-common.js';
import { ACTION_KEYS, parseCommon } from './task-common.js';
import { parseLoop } from './loop-parse.js';
import type { Entry, YamlSource } from './yaml-source.js';
import { entryError, toJs } from './yaml-source.js';

/**
 * One action task (a module or a runner action with its keywords). Handlers are read with
 * this too, so it stands apart from the task list, which reaches roles and their handlers.
 */

/** Finds the one key naming an action among those that are not task keywords. */
function findActionEntry(
  src: YamlSource,
  rest: Entry[],
  allowed: Set<string>,
  ctx: ParseContext,
  line: number,
) {
  const candidates = rest.filter((e) => !allowed.has(e.key));
  let actions = candidates.filter((e) => resolveAction(e.key, ctx.lookupModule));
  if (actions.length === 0) actions = candidates.filter((e) => isForeignModule(e.key)).slice(0, 1);
  const unknown = candidates.find((e) => !actions.includes(e));
  if (actions.length === 0) {
    if (unknown) throw entryError(src, unknown, `unknown module or task keyword '${unknown.key}'`);
    throw new IngressError('E_PLAYBOOK', 'task has no action (module)', {
      location: { file: src.file, line },
    });
  }
  if (unknown) throw entryError(src, unknown, `unknown task keyword '${unknown.key}'`);
  if (actions.length > 1) throw entryError(src, actions[1] as Entry, 'a task can run only one action');
  return actions[0] as Entry;
}

function actionArgs(src: YamlSource, entry: Entry, action: string): Record<string, unknown> {
  const value = toJs(src, entry.node);
  if (value === null || value === undefined) return {};
  if (typeof value === 'string') {
    if (action === 'meta') return { _raw_params: value.trim() };
    try {
      return freeFormArgs(action, value);
    } catch (err) {
      throw entryError(src, entry, `${action}: ${(err as Error).message}`);
    }
  }
  if (typeof value === 'object' && !Array.isArray(value)) return { ...(value as Record<string, unknown>) };
  throw entryError(src, entry, `${action}: arguments must be a mapping or a key=value string`);
}

export async function parseAction(
  src: YamlSource,
  entries: Entry[],
  line: number,
  ctx: ParseContext,
  extraKeys: string[] = [],
): Promise<ActionTask> {
  const { common, rest } = parseCommon(src, entries, line, ctx);
  const allowed = new Set([...ACTION_KEYS, ...extraKeys]);
  const actionEntry = findActionEntry(src, rest, allowed, ctx, line);
  const resolved = resolveAction(actionEntry.key, ctx.lookupModule) ?? {
    action: stripPrefix(actionEntry.key),
  };
  const byKey = (key: string) => rest.find((e) => e.key === key);
  const argsEntry = byKey('args');
  const extraArgs = argsEntry ? actionArgs(src, argsEntry, resolved.action) : {};
  const task: ActionTask = {
    ...common,
    kind: 'action',
    action: resolved.action,
    args: { ...extraArgs, ...actionArgs(src, actionEntry, resolved.action) },
    notify: byKey('notify') ? readStringList(src, byKey('notify') as Entry) : [],
    listen: byKey('listen') ? readStringList(src, byKey('listen') as Entry) : [],
    ...optionalKeywords(src, byKey),
  };
  if (resolved.runnerAction) task.runnerAction = resolved.runnerAction;
  if (!resolved.runnerAction && !resolved.module) task.deferred = true;
  if (task.runnerAction) validateRunnerAction(task.runnerAction, task.args, common.location);
  else if (resolved.module) validateModuleStatically(resolved.module, task.args, common.location);
  return task;
}

type ByKey = (key: string) => Entry | undefined;

function optionalKeywords(src: YamlSource, byKey: ByKey): Partial<ActionTask> {
  const out: Partial<ActionTask> = {};
  const register = byKey('register');
  if (register) {
    out.register = readString(src, register);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(out.register))
      throw entryError(src, register, 'register needs a variable name');
  }
  const changed = byKey('changed_when');
  if (changed) out.changedWhen = readCondition(src, changed);
  const failed = byKey('failed_when');
  if (failed) out.failedWhen = readCondition(src, failed);
  const loop = parseLoop(src, byKey);
  if (loop) out.loop = loop;
  const retry = parseRetry(src, byKey);
  if (retry) out.retry = retry;
  return out;
}

function parseRetry(src: YamlSource, byKey: ByKey): RetrySpec | undefined {
  const until = byKey('until');
  const retries = byKey('retries');
  const delay = byKey('delay');
  if (!until) {
    const stray = retries ?? delay;
    if (stray) throw entryError(src, stray, `${stray.key} needs until`);
    return undefined;
  }
  return {
    until: readCondition(src, until),
    retries: retries ? readNumber(src, retries) : 3,
    delayMs: (delay ? readNumber(src, delay) : 5) * 1000,
  };
}
