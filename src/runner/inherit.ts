import type { Play, TaskCommon } from './model.js';

/** Keywords a task takes from its play and enclosing blocks/includes. */
export interface Inherited {
  /** All must hold: the block's conditions and the task's own. */
  when: unknown[];
  tags: string[];
  /** Variable scopes, outermost first (block vars, then task vars). */
  vars: Record<string, unknown>[];
  become?: boolean;
  becomeUser?: string;
  ignoreErrors: boolean;
  noLog: boolean;
  checkMode?: boolean;
  /** Inside a block with a rescue: a failure here is counted as rescued, not failed. */
  rescuable: boolean;
}

export function rootInherited(play: Play): Inherited {
  const root: Inherited = {
    when: [],
    tags: [...play.tags],
    vars: [],
    ignoreErrors: false,
    noLog: false,
    rescuable: false,
  };
  if (play.become !== undefined) root.become = play.become;
  if (play.becomeUser !== undefined) root.becomeUser = play.becomeUser;
  return root;
}

export function inherit(parent: Inherited, node: TaskCommon): Inherited {
  const child: Inherited = {
    ...parent,
    when: [...parent.when, ...node.when],
    tags: [...new Set([...parent.tags, ...node.tags])],
    vars: [...parent.vars, node.vars],
    ignoreErrors: parent.ignoreErrors || node.ignoreErrors,
    noLog: parent.noLog || node.noLog,
  };
  if (node.become !== undefined) child.become = node.become;
  if (node.becomeUser !== undefined) child.becomeUser = node.becomeUser;
  if (node.checkMode !== undefined) child.checkMode = node.checkMode;
  return child;
}
