import { failure } from './action-exec.js';
import type { Inherited } from './inherit.js';
import type { ActionTask, BlockTask, TaskNode } from './model.js';
import { reportOutcome } from './outcome.js';
import type { PlayRun } from './play-run.js';
import { effVars } from './play-run.js';

type RunNodes = (pr: PlayRun, nodes: TaskNode[], hosts: string[], inh: Inherited) => Promise<Set<string>>;

/** What was read for each rendered name, once per include. */
const loaded = new WeakMap<BlockTask, Map<string, Promise<TaskNode[]>>>();

function read(block: BlockTask, name: string): Promise<TaskNode[]> {
  let byName = loaded.get(block);
  if (!byName) loaded.set(block, (byName = new Map()));
  let tasks = byName.get(name);
  if (!tasks) byName.set(name, (tasks = (block.late as NonNullable<BlockTask['late']>).load(name)));
  return tasks;
}

/** The include fails on a host (its name or items do not render, its file does not load). */
export function failInclude(
  pr: PlayRun,
  block: BlockTask,
  scope: Inherited,
  host: string,
  err: unknown,
  failed: Set<string>,
): void {
  const task: ActionTask = {
    ...block,
    kind: 'action',
    action: 'include_tasks',
    args: {},
    notify: [],
    listen: [],
    loop: undefined,
  };
  const outcome = reportOutcome(pr, task, scope, host, failure(err));
  if (outcome !== 'failed') return;
  failed.add(host);
  // As for a task: a failure no rescue will catch removes the host from the play.
  if (!scope.rescuable) pr.state.failed.add(host);
}

/**
 * An include whose name is a template: each host renders it with its own variables
 * (facts included), hosts that name the same file run it together, and a host whose
 * name fails to render or whose file fails to load fails there, as in Ansible.
 */
export async function runLateInclude(
  pr: PlayRun,
  block: BlockTask,
  hosts: string[],
  scope: Inherited,
  runNodes: RunNodes,
): Promise<Set<string>> {
  const late = block.late as NonNullable<BlockTask['late']>;
  const failed = new Set<string>();
  const groups = new Map<string, string[]>();
  for (const host of hosts) {
    try {
      const name = pr.deps.templar.renderText(late.name, effVars(pr, scope, host));
      groups.set(name, [...(groups.get(name) ?? []), host]);
    } catch (err) {
      failInclude(pr, block, scope, host, err, failed);
    }
  }
  for (const [name, group] of groups) {
    let tasks: TaskNode[];
    try {
      tasks = await read(block, name);
    } catch (err) {
      for (const host of group) failInclude(pr, block, scope, host, err, failed);
      continue;
    }
    for (const host of await runNodes(pr, tasks, group, scope)) failed.add(host);
  }
  return failed;
}
