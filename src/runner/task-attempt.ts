import { formatError } from '../errors.js';
import { markUnsafe } from '../template/unsafe.js';
import type { AttemptEnv } from './action-exec.js';
import type { TaskResult } from './output-types.js';
import { setHostFacts } from './run-state.js';
import { runAction } from './runner-actions.js';

/** The task's variables plus its own result under the `register` name, for changed_when/failed_when/until. */
function withRegistered(env: AttemptEnv, result: TaskResult): Record<string, unknown> {
  return env.task.register ? { ...env.vars, [env.task.register]: markUnsafe(result) } : env.vars;
}

function applyConditions(env: AttemptEnv, result: TaskResult): TaskResult {
  const { task } = env;
  const { templar } = env.pr.deps;
  // As Ansible: a result the module skipped (check mode) has no output to judge.
  if (result.skipped === true) return result;
  const out: TaskResult = { ...result };
  try {
    if (task.changedWhen !== undefined)
      out.changed = templar.isTrue(task.changedWhen, withRegistered(env, out));
    if (task.failedWhen !== undefined) {
      out.failed = templar.isTrue(task.failedWhen, withRegistered(env, out));
      out.failed_when_result = out.failed;
    }
  } catch (err) {
    return { ...out, failed: true, msg: formatError(err) };
  }
  return out;
}

function untilHolds(env: AttemptEnv, until: unknown, result: TaskResult): boolean {
  try {
    return env.pr.deps.templar.isTrue(until, withRegistered(env, result));
  } catch {
    return false;
  }
}

/**
 * set_fact takes effect at once, so later items and tasks see the value; a
 * module returning ansible_facts (setup) updates the host's facts, as in Ansible.
 */
function applyFacts(env: AttemptEnv, result: TaskResult): void {
  const facts = result.ansible_facts;
  if (result.failed || !facts || typeof facts !== 'object' || Array.isArray(facts)) return;
  const values = facts as Record<string, unknown>;
  const { state } = env.pr;
  // include_vars sits with set_fact, above play and role vars, as in Ansible.
  if (env.task.runnerAction === 'set_fact' || env.task.action === 'include_vars')
    setHostFacts(state, env.host, values);
  else state.facts.set(env.host, { ...(state.facts.get(env.host) ?? {}), ...values });
}

/** Runs the action once, or until `until` holds (retries + 1 attempts, `delay` apart). */
export async function runAttempts(env: AttemptEnv): Promise<TaskResult> {
  const retry = env.task.retry;
  const attempts = retry ? retry.retries + 1 : 1;
  let result: TaskResult = { changed: false };
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    result = await runAction(env);
    applyFacts(env, result);
    if (result.unreachable) return result;
    result = applyConditions(env, result);
    if (!retry) return result;
    result.attempts = attempt;
    if (untilHolds(env, retry.until, result)) return result;
    if (attempt < attempts) await env.pr.deps.sleep(retry.delayMs);
  }
  return { ...result, failed: true, msg: result.msg ?? `still failing after ${attempts} attempts` };
}
