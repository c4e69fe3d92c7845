import type { ActionTask } from './model.js';
import type { PlayRun } from './play-run.js';
import { containsTemplate } from './fields.js';

/** Marks every handler named by, or listening to, the task's notify entries for this host. */
export function notifyHandlers(
  pr: PlayRun,
  task: ActionTask,
  host: string,
  vars: Record<string, unknown>,
): void {
  for (const raw of task.notify) {
    const name = containsTemplate(raw) ? pr.deps.templar.renderText(raw, vars) : raw;
    pr.play.handlers.forEach((handler, index) => {
      if (handler.name !== name && !handler.listen.includes(name)) return;
      const hosts = pr.notified.get(index) ?? new Set<string>();
      hosts.add(host);
      pr.notified.set(index, hosts);
    });
  }
}

export type RunHandler = (handler: ActionTask, hosts: string[]) => Promise<void>;

/**
 * Runs notified handlers in the order they are defined (not notified), once
 * per host, only on hosts still in the play; a handler may notify a later one.
 */
export async function flushHandlers(pr: PlayRun, runHandler: RunHandler): Promise<void> {
  for (const [index, handler] of pr.play.handlers.entries()) {
    const notified = pr.notified.get(index);
    if (!notified || notified.size === 0) continue;
    const hosts = pr.activeHosts().filter((host) => notified.has(host));
    pr.notified.delete(index);
    if (hosts.length > 0) await runHandler(handler, hosts);
  }
}
