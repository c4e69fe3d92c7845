import type { Flag, Play, RoleScope, TaskCommon } from './model.js';

/** Keywords a task takes from its play and enclosing blocks/includes/roles. */
export interface Inherited {
  /** All must hold: the block's conditions and the task's own. */
  when: unknown[];
  tags: string[];
  /** Variable scopes, outermost first (block vars, then task vars). */
  vars: Record<string, unknown>[];
  /** Roles the task sits in, outermost first; the innermost gives role_path. */
  roles: RoleScope[];
  /** `environment:` mappings, outermost first; inner keys win. */
  environment: unknown[];
  become?: Flag;
  becomeUser?: string;
  ignoreErrors: Flag;
  noLog: Flag;
  checkMode?: Flag;
  delegateTo?: string;
  runOnce: boolean;
  /** Inside a looped include: each host's loop variable for the current pass. */
  hostLoop?: ReadonlyMap<string, Record<string, unknown>>;
  /** Inside a block with a rescue: a failure here is counted as rescued, not failed. */
  rescuable: boolean;
}

export function rootInherited(play: Play): Inherited {
  const root: Inherited = {
    when: [],
    tags: [...play.tags],
    vars: [],
    roles: [],
    environment: play.environment === undefined ? [] : [play.environment],
    ignoreErrors: play.ignoreErrors,
    noLog: play.noLog,
    runOnce: false,
    rescuable: false,
  };
  if (play.become !== undefined) root.become = play.become;
  if (play.becomeUser !== undefined) root.becomeUser = play.becomeUser;
  return root;
}

/** As Ansible's inheritance: the innermost value set wins, false included. */
function innermost(outer: Flag, inner: Flag | undefined): Flag {
  return inner === undefined ? outer : inner;
}

export function inherit(parent: Inherited, node: TaskCommon): Inherited {
  const child: Inherited = {
    ...parent,
    when: [...parent.when, ...node.when],
    tags: [...new Set([...parent.tags, ...node.tags])],
    vars: [...parent.vars, node.vars],
    roles: node.role ? [...parent.roles, node.role] : parent.roles,
    environment:
      node.environment === undefined ? parent.environment : [...parent.environment, node.environment],
    ignoreErrors: innermost(parent.ignoreErrors, node.ignoreErrors),
    noLog: innermost(parent.noLog, node.noLog),
    runOnce: parent.runOnce || node.runOnce === true,
  };
  if (node.become !== undefined) child.become = node.become;
  if (node.becomeUser !== undefined) child.becomeUser = node.becomeUser;
  if (node.checkMode !== undefined) child.checkMode = node.checkMode;
  if (node.delegateTo !== undefined) child.delegateTo = node.delegateTo;
  return child;
}
