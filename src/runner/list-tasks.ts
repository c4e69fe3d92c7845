import type { ActionTask, Play, Playbook, TaskNode } from './model.js';
import { shouldRunTags } from './tags.js';

/** What `ansible-playbook --syntax-check` prints once the playbook loaded: the path as it was given. */
export function syntaxCheckText(given: string): string {
  return `\nplaybook: ${given}\n`;
}

interface Listed {
  title: string;
  tags: string[];
}

function* walk(nodes: TaskNode[], tags: string[], role?: string): Generator<Listed> {
  for (const node of nodes) {
    const own = [...new Set([...tags, ...node.tags])];
    const inRole = node.role?.name ?? role;
    // Ansible lists a dynamic include as one task, not what it would include.
    if (node.kind === 'block' && node.dynamic) {
      yield { title: `${role ? `${role} : ` : ''}${node.name ?? 'include_tasks'}`, tags: own };
      continue;
    }
    if (node.kind === 'block') {
      yield* walk([...node.block, ...node.rescue, ...node.always], own, inRole);
      continue;
    }
    if (node.runnerAction === 'meta') continue;
    yield { title: `${inRole ? `${inRole} : ` : ''}${taskName(node)}`, tags: own };
  }
}

function taskName(task: ActionTask): string {
  return task.name ?? task.action;
}

function tagList(tags: readonly string[]): string {
  return `[${[...tags].sort().join(', ')}]`;
}

function playLines(play: Play, index: number, select: TagSelection): string[] {
  const hosts = Array.isArray(play.hosts) ? play.hosts.join(',') : play.hosts;
  const lines = [`  play #${index + 1} (${hosts}): ${play.name}\tTAGS: ${tagList(play.tags)}`, '    tasks:'];
  const sections = [play.preTasks, play.roles, play.tasks, play.postTasks];
  for (const task of sections.flatMap((s) => [...walk(s, play.tags)])) {
    if (!shouldRunTags(task.tags, select.tags, select.skipTags)) continue;
    const own = task.tags.filter((t) => !play.tags.includes(t));
    lines.push(`      ${task.title}\tTAGS: ${tagList(own)}`);
  }
  return lines;
}

export interface TagSelection {
  tags: string[];
  skipTags: string[];
}

/** What `ansible-playbook --list-tasks` prints: each play, then its tasks (role tasks as "role : name"). */
export function listTasksText(playbook: Playbook, given: string, select: TagSelection): string {
  const blocks = playbook.plays.map((play, i) => playLines(play, i, select).join('\n'));
  return `${syntaxCheckText(given)}\n${blocks.join('\n\n')}\n`;
}
