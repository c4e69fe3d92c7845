import { formatError } from '../errors.js';
import type { AttemptEnv } from './action-exec.js';
import { failure, runModule } from './action-exec.js';
import type { TaskResult } from './output-types.js';

function debug(env: AttemptEnv): TaskResult {
  const { templar } = env.pr.deps;
  const { args } = env.task;
  if (typeof args.var === 'string') {
    let value: unknown;
    try {
      value = templar.evaluate(args.var, env.vars);
    } catch {
      value = 'VARIABLE IS NOT DEFINED!';
    }
    return { changed: false, [args.var]: value };
  }
  return {
    changed: false,
    msg: args.msg === undefined ? 'Hello world!' : templar.renderValue(args.msg, env.vars),
  };
}

function setFact(env: AttemptEnv): TaskResult {
  const facts: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(env.task.args)) {
    if (key !== 'cacheable') facts[key] = env.pr.deps.templar.renderData(value, env.vars);
  }
  return { changed: false, ansible_facts: facts };
}

function assertThat(env: AttemptEnv): TaskResult {
  const { templar } = env.pr.deps;
  const { args } = env.task;
  const conditions = Array.isArray(args.that) ? args.that : [args.that];
  for (const condition of conditions) {
    if (!templar.isTrue(condition, env.vars)) {
      const message = args.fail_msg ?? args.msg;
      return {
        changed: false,
        failed: true,
        assertion: condition,
        evaluated_to: false,
        msg: message === undefined ? 'Assertion failed' : templar.renderValue(message, env.vars),
      };
    }
  }
  const success = args.success_msg;
  return {
    changed: false,
    msg: success === undefined ? 'All assertions passed' : templar.renderValue(success, env.vars),
  };
}

function fail(env: AttemptEnv): TaskResult {
  const msg = env.task.args.msg;
  return {
    changed: false,
    failed: true,
    msg: msg === undefined ? 'Failed as requested from task' : env.pr.deps.templar.renderValue(msg, env.vars),
  };
}

/** Runs the task's action: the runner's own (debug, set_fact, assert, fail) or a module on the host. */
export async function runAction(env: AttemptEnv): Promise<TaskResult> {
  try {
    switch (env.task.runnerAction) {
      case 'debug':
        return debug(env);
      case 'set_fact':
        return setFact(env);
      case 'assert':
        return assertThat(env);
      case 'fail':
        return fail(env);
      case 'meta':
        return { changed: false, msg: `meta ${String(env.task.args._raw_params)}` };
      case undefined:
        return await runModule(env);
    }
  } catch (err) {
    return { ...failure(err), msg: formatError(err) };
  }
}
