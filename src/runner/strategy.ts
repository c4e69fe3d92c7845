import { mapLimit } from './concurrency.js';
import { flushHandlers, notifyHandlers } from './handlers.js';
import type { Inherited } from './inherit.js';
import { inherit, rootInherited } from './inherit.js';
import { failure } from './action-exec.js';
import { resolveFlags } from './host-flags.js';
import type { ActionTask, BlockTask, LoopSpec, RoleScope, TaskNode } from './model.js';
import type { TaskResult } from './output-types.js';
import { setHostFacts } from './run-state.js';
import { reportOutcome } from './outcome.js';
import type { PlayRun } from './play-run.js';
import { effVars } from './play-run.js';
import { shouldRunTags } from './tags.js';
import { failInclude, runLateInclude } from './late-include.js';
import { renderItems, runTaskOnHost } from './task-host.js';

/**
 * Ansible's linear strategy: each task runs on every host still in the play
 * (at most `forks` at once) before the next task starts. Functions return the
 * hosts that failed or became unreachable among those they were given.
 */

/** "role : name" inside a role, as Ansible titles a role's tasks. */
export function taskTitle(pr: PlayRun, task: ActionTask, roles: readonly RoleScope[] = []): string {
  const role = roles[roles.length - 1] ?? task.role;
  const prefix = role ? `${role.name} : ` : '';
  if (!task.name) return prefix + task.action;
  try {
    return prefix + pr.deps.templar.renderText(task.name, { ...pr.play.vars, ...pr.options.extraVars });
  } catch {
    return prefix + task.name;
  }
}

async function runOneHost(pr: PlayRun, task: ActionTask, eff: Inherited, host: string): Promise<TaskResult> {
  let hostEff: Inherited;
  try {
    hostEff = resolveFlags(pr, eff, host);
  } catch (err) {
    return failure(err);
  }
  return runTaskOnHost(pr, task, hostEff, host);
}

/** After a failure: any_errors_fatal or max_fail_percentage stop the whole run. */
function checkAbort(pr: PlayRun, failed: Set<string>, eff: Inherited): void {
  if (failed.size === 0 || eff.rescuable) return;
  for (const host of failed) pr.batchFailed.add(host);
  const max = pr.play.maxFailPercentage;
  const overMax = max !== undefined && (pr.batchFailed.size / pr.batch.length) * 100 > max;
  if (pr.play.anyErrorsFatal || overMax) {
    pr.state.aborted = true;
    pr.ended = true;
  }
}

export async function runOnHosts(
  pr: PlayRun,
  task: ActionTask,
  eff: Inherited,
  hosts: string[],
): Promise<Set<string>> {
  const failed = new Set<string>();
  // run_once: the first host runs it; every host gets its result, as Ansible registers it.
  const first = eff.runOnce ? hosts[0] : undefined;
  const once = first === undefined ? undefined : runOneHost(pr, task, eff, first);
  await mapLimit(hosts, pr.options.forks, async (host) => {
    const result = once ? await once : await runOneHost(pr, task, eff, host);
    if (once && task.register) setHostFacts(pr.state, host, { [task.register]: result });
    const outcome = reportOutcome(pr, task, resolveQuietly(pr, eff, host), host, result);
    if (outcome === 'changed') notifyHandlers(pr, task, host, effVars(pr, eff, host));
    if (outcome === 'failed' || outcome === 'unreachable') failed.add(host);
    // A failure no rescue will catch removes the host from the rest of the play now.
    if (outcome === 'failed' && !eff.rescuable) pr.state.failed.add(host);
  });
  checkAbort(pr, failed, eff);
  return failed;
}

/** The flags for reporting; a template that fails here already failed the task. */
function resolveQuietly(pr: PlayRun, eff: Inherited, host: string): Inherited {
  try {
    return resolveFlags(pr, eff, host);
  } catch {
    return eff;
  }
}

export async function flush(pr: PlayRun): Promise<void> {
  await flushHandlers(pr, async (handler, hosts) => {
    pr.deps.sink.taskStart(taskTitle(pr, handler), 'handler');
    await runOnHosts(pr, handler, inherit(rootInherited(pr.play), handler), hosts);
  });
}

async function runActionNode(
  pr: PlayRun,
  task: ActionTask,
  hosts: string[],
  inh: Inherited,
): Promise<Set<string>> {
  const eff = inherit(inh, task);
  if (!shouldRunTags(eff.tags, pr.options.tags, pr.options.skipTags)) return new Set();
  if (task.runnerAction === 'meta') {
    const what = task.args._raw_params;
    if (what === 'flush_handlers') await flush(pr);
    if (what === 'end_play') pr.ended = true;
    return new Set();
  }
  pr.deps.sink.taskStart(taskTitle(pr, task, eff.roles), 'task');
  return runOnHosts(pr, task, eff, hosts);
}

/** block, then rescue for the hosts that failed in it, then always for every host that entered it. */
async function runBlock(
  pr: PlayRun,
  block: BlockTask,
  hosts: string[],
  inh: Inherited,
): Promise<Set<string>> {
  const scope = inherit(inh, block);
  if (block.exposes) pr.exposedRoles.push(...block.exposes);
  const reachable = (host: string) => !pr.state.unreachable.has(host);
  const inBlock = await runBody(pr, block, hosts, {
    ...scope,
    rescuable: inh.rescuable || block.rescue.length > 0,
  });
  let failed = inBlock;
  if (block.rescue.length > 0 && inBlock.size > 0) {
    const rescued = await runNodes(pr, block.rescue, [...inBlock].filter(reachable), scope);
    failed = new Set([...inBlock].filter((host) => !reachable(host) || rescued.has(host)));
  }
  if (block.always.length > 0) {
    const alwaysFailed = await runNodes(pr, block.always, hosts.filter(reachable), scope);
    for (const host of alwaysFailed) failed.add(host);
  }
  return failed;
}

/** Each host's items of a looped include; a host whose items cannot be rendered fails here. */
function itemsPerHost(pr: PlayRun, block: BlockTask, scope: Inherited, hosts: string[], failed: Set<string>) {
  const items = new Map<string, unknown[]>();
  for (const host of hosts) {
    try {
      items.set(host, renderItems(pr, block.loop as LoopSpec, effVars(pr, scope, host)));
    } catch (err) {
      failInclude(pr, block, scope, host, err, failed);
    }
  }
  return items;
}

/** A looped include: the included tasks run once per item, each host with its own item. */
async function runLoopedBlock(pr: PlayRun, block: BlockTask, hosts: string[], inh: Inherited) {
  const scope = inherit(inh, block);
  const spec = block.loop as LoopSpec;
  const failed = new Set<string>();
  const items = itemsPerHost(pr, block, scope, hosts, failed);
  const passes = Math.max(0, ...[...items.values()].map((list) => list.length));
  for (let i = 0; i < passes && !pr.ended; i += 1) {
    const hostLoop = new Map<string, Record<string, unknown>>();
    for (const [host, list] of items) {
      if (i < list.length && !failed.has(host)) {
        hostLoop.set(host, { [spec.loopVar]: list[i], ansible_loop_var: spec.loopVar });
      }
    }
    const passFailed = await runBody(pr, block, [...hostLoop.keys()], { ...scope, hostLoop });
    for (const host of passFailed) failed.add(host);
  }
  return failed;
}

/** A block's own tasks: read at load time, or per host when the include's name is a template. */
function runBody(pr: PlayRun, block: BlockTask, hosts: string[], scope: Inherited): Promise<Set<string>> {
  return block.late
    ? runLateInclude(pr, block, hosts, scope, runNodes)
    : runNodes(pr, block.block, hosts, scope);
}

export async function runNodes(
  pr: PlayRun,
  nodes: TaskNode[],
  hosts: string[],
  inh: Inherited,
): Promise<Set<string>> {
  const failed = new Set<string>();
  for (const node of nodes) {
    const active = hosts.filter((host) => !failed.has(host));
    if (pr.ended || active.length === 0) break;
    const nodeFailed =
      node.kind === 'action'
        ? await runActionNode(pr, node, active, inh)
        : node.loop
          ? await runLoopedBlock(pr, node, active, inh)
          : await runBlock(pr, node, active, inh);
    for (const host of nodeFailed) failed.add(host);
  }
  return failed;
}

export async function runSection(pr: PlayRun, nodes: TaskNode[]): Promise<void> {
  if (pr.ended) return;
  await runNodes(pr, nodes, pr.activeHosts(), rootInherited(pr.play));
}
