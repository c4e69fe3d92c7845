import type { FileDiff } from '../modules/types.js';
import type { Inherited } from './inherit.js';
import type { ActionTask } from './model.js';
import type { HostEvent, HostStatus, TaskResult } from './output-types.js';
import type { PlayRun } from './play-run.js';
import { bump } from './run-state.js';
import { statusOf } from './task-host.js';

/** How a host left a task, for the strategy: still in, failed (maybe rescued later), or unreachable. */
export type Outcome = 'ok' | 'changed' | 'failed' | 'unreachable';

/** Counts a result for the recap as Ansible's stats do (changed and ignored results also count as ok). */
function count(
  pr: PlayRun,
  host: string,
  status: HostStatus,
  result: TaskResult,
  eff: Inherited,
  ignored: boolean,
): Outcome {
  const { state } = pr;
  switch (status) {
    case 'unreachable':
      bump(state, host, 'unreachable');
      state.unreachable.add(host);
      return 'unreachable';
    case 'failed':
      if (!ignored) {
        // Inside a block with a rescue, the failure is counted as rescued.
        bump(state, host, eff.rescuable ? 'rescued' : 'failed');
        return 'failed';
      }
      bump(state, host, 'ok');
      bump(state, host, 'ignored');
      if (result.changed) bump(state, host, 'changed');
      return result.changed ? 'changed' : 'ok';
    case 'skipped':
      bump(state, host, 'skipped');
      return 'ok';
    case 'changed':
      bump(state, host, 'ok');
      bump(state, host, 'changed');
      return 'changed';
    case 'ok':
      bump(state, host, 'ok');
      return 'ok';
  }
}

/** Reports a host's result to the sink and counts it for the recap. */
export function reportOutcome(
  pr: PlayRun,
  task: ActionTask,
  eff: Inherited,
  host: string,
  result: TaskResult,
): Outcome {
  const status = statusOf(result);
  const ignored = status === 'failed' && eff.ignoreErrors === true;
  const event: HostEvent = {
    host,
    status,
    result,
    ignored,
    censored: eff.noLog === true,
    verbose: task.runnerAction === 'debug',
  };
  if (task.loop) event.loopSummary = true;
  if (Array.isArray(result.diff) && !task.loop) event.diff = result.diff as FileDiff[];
  pr.deps.sink.hostResult(event);
  return count(pr, host, status, result, eff, ignored);
}
