import type { AttemptEnv } from './action-exec.js';
import { failure } from './action-exec.js';
import type { Inherited } from './inherit.js';
import type { ActionTask, LoopSpec } from './model.js';
import type { HostStatus, TaskResult } from './output-types.js';
import type { PlayRun } from './play-run.js';
import { isUnsafe, markUnsafe, stripUnsafe } from '../template/unsafe.js';
import { effVars } from './play-run.js';
import { setHostFacts } from './run-state.js';
import { runAttempts } from './task-attempt.js';

export function statusOf(result: TaskResult): HostStatus {
  if (result.unreachable) return 'unreachable';
  if (result.failed) return 'failed';
  if (result.skipped) return 'skipped';
  return result.changed ? 'changed' : 'ok';
}

function checkWhen(pr: PlayRun, when: unknown[], vars: Record<string, unknown>): TaskResult | undefined {
  if (when.length === 0) return undefined;
  try {
    if (pr.deps.templar.isTrue(when, vars)) return undefined;
    return { changed: false, skipped: true, skip_reason: 'Conditional result was False' };
  } catch (err) {
    return failure(err);
  }
}

export function renderItems(pr: PlayRun, spec: LoopSpec, vars: Record<string, unknown>): unknown[] {
  const rendered = pr.deps.templar.renderData(spec.items, vars);
  // Items made from host data stay marked one by one, so `item` is never rendered again.
  const unsafe = isUnsafe(rendered);
  let items: unknown = unsafe ? rendered.value : rendered;
  if (spec.lookup !== undefined) {
    const terms = Array.isArray(items) ? items : [items];
    items = pr.deps.templar.evaluate(`query(${JSON.stringify(spec.lookup)}, __terms)`, {
      ...vars,
      __terms: terms,
    });
  }
  let list: unknown[];
  if (spec.flatten) {
    list = (Array.isArray(items) ? items : [items]).flatMap((item) => (Array.isArray(item) ? item : [item]));
  } else if (Array.isArray(items)) list = items;
  else throw new Error(`loop needs a list, got ${typeof items}`);
  return unsafe ? list.map(markUnsafe) : list;
}

function itemLabel(pr: PlayRun, spec: LoopSpec, item: unknown, vars: Record<string, unknown>): string {
  const label = spec.label === undefined ? stripUnsafe(item) : pr.deps.templar.renderValue(spec.label, vars);
  return typeof label === 'string' ? label : JSON.stringify(label);
}

function aggregate(results: TaskResult[]): TaskResult {
  const failed = results.some((r) => r.failed);
  const out: TaskResult = {
    changed: results.some((r) => r.changed),
    failed,
    msg: failed ? 'One or more items failed' : 'All items completed',
    results,
  };
  if (results.some((r) => r.unreachable)) out.unreachable = true;
  if (results.every((r) => r.skipped)) out.skipped = true;
  return out;
}

async function runLoop(env: AttemptEnv, eff: Inherited): Promise<TaskResult> {
  const { pr, task, host } = env;
  const spec = task.loop as LoopSpec;
  let items: unknown[];
  try {
    items = renderItems(pr, spec, env.vars);
  } catch (err) {
    return failure(err);
  }
  if (items.length === 0)
    return { changed: false, skipped: true, skipped_reason: 'No items in the list', results: [] };
  const results: TaskResult[] = [];
  for (const item of items) {
    const loopVars = { [spec.loopVar]: item, ansible_loop_var: spec.loopVar };
    const vars = effVars(pr, eff, host, loopVars);
    const raw = checkWhen(pr, eff.when, vars) ?? (await runAttempts({ ...env, vars }));
    const result: TaskResult = { ...raw, [spec.loopVar]: stripUnsafe(item), ansible_loop_var: spec.loopVar };
    results.push(result);
    const status = statusOf(result);
    pr.deps.sink.hostResult({
      host,
      status,
      result,
      item: itemLabel(pr, spec, item, vars),
      ignored: status === 'failed' && eff.ignoreErrors === true,
      censored: eff.noLog === true,
      verbose: task.runnerAction === 'debug',
      ...(Array.isArray(result.diff) ? { diff: result.diff } : {}),
    });
    if (result.unreachable) break;
  }
  return aggregate(results);
}

/** One task on one host: when, loop, attempts, then the result registered. */
export async function runTaskOnHost(
  pr: PlayRun,
  task: ActionTask,
  eff: Inherited,
  host: string,
): Promise<TaskResult> {
  const vars = effVars(pr, eff, host);
  const env: AttemptEnv = { pr, task, eff, host, vars };
  const result = task.loop
    ? await runLoop(env, eff)
    : (checkWhen(pr, eff.when, vars) ?? (await runAttempts(env)));
  // What the host returned is data: marked so that no template ever renders it.
  if (task.register) setHostFacts(pr.state, host, { [task.register]: markUnsafe(result) });
  return result;
}
