/** The typed model of a playbook, as the loader builds it and the executor walks it. */

export interface TaskLocation {
  file: string;
  line: number;
}

/** A boolean keyword, or a template rendered per host ("{{ ansible_check_mode }}"). */
export type Flag = boolean | string;

/** A role's variables and folder, for the tasks and handlers that came from it. */
export interface RoleScope {
  name: string;
  path: string;
  defaults: Record<string, unknown>;
  vars: Record<string, unknown>;
  params: Record<string, unknown>;
}

/** Keywords every task node may carry; children inherit when/tags/become/vars from blocks. */
export interface TaskCommon {
  name?: string;
  when: unknown[];
  tags: string[];
  vars: Record<string, unknown>;
  become?: Flag;
  becomeUser?: string;
  /** Unset: the enclosing block's (or play's) value; set, even to false, it wins. */
  ignoreErrors?: Flag;
  noLog?: Flag;
  checkMode?: Flag;
  /** `environment:` mappings, rendered per host and exported for the module's commands. */
  environment?: unknown;
  delegateTo?: string;
  runOnce?: boolean;
  /** Set on the block a role became, and on the role's handlers. */
  role?: RoleScope;
  location: TaskLocation;
  /** Folder of the file the task came from (for include lookups and the modules' src). */
  taskDir: string;
}

export type RunnerActionName = 'debug' | 'set_fact' | 'assert' | 'fail' | 'meta';

export interface LoopSpec {
  items: unknown;
  loopVar: string;
  label?: string;
  /** `with_items` flattens one level of nested lists; `loop` does not. */
  flatten: boolean;
  /** `with_<lookup>`: the items are what that lookup returns for the rendered terms. */
  lookup?: string;
}

export interface RetrySpec {
  until: unknown;
  retries: number;
  delayMs: number;
}

export interface ActionTask extends TaskCommon {
  kind: 'action';
  /** Canonical action name (module name or runner action), without `ansible.builtin.`. */
  action: string;
  runnerAction?: RunnerActionName;
  args: Record<string, unknown>;
  loop?: LoopSpec;
  register?: string;
  notify: string[];
  changedWhen?: unknown;
  failedWhen?: unknown;
  retry?: RetrySpec;
  /** A module of another platform or collection: resolved only if the task runs. */
  deferred?: boolean;
  /** Handlers only: the topics they answer to besides their name. */
  listen: string[];
}

/**
 * include_tasks/include_role whose file or role name is a template: Ansible renders
 * it per host when the include runs (facts and host vars allowed), so it is read then.
 */
export interface LateInclude {
  name: string;
  /** Reads and validates what the rendered name names. */
  load(rendered: string): Promise<TaskNode[]>;
}

export interface BlockTask extends TaskCommon {
  kind: 'block';
  /** include_tasks/include_role (read at load time here, but dynamic to Ansible's --list-tasks). */
  dynamic?: boolean;
  /** A looped include_tasks: the included tasks run once per item. */
  loop?: LoopSpec;
  /** Set when the name is a template: `block` is empty and the included tasks come from here. */
  late?: LateInclude;
  /** include_role with `public: true`: these roles' defaults and vars reach the play's later tasks. */
  exposes?: RoleScope[];
  block: TaskNode[];
  rescue: TaskNode[];
  always: TaskNode[];
}

export type TaskNode = ActionTask | BlockTask;

/** `serial:` is a count, a percentage ("30%"), or a list of them for growing batches. */
export type SerialSpec = (number | string)[];

export interface Play {
  name: string;
  hosts: string | string[];
  vars: Record<string, unknown>;
  /** vars_files already read, in order (later files win). */
  varsFiles: Record<string, unknown>[];
  become?: boolean;
  becomeUser?: string;
  serial?: SerialSpec;
  gatherFacts: boolean;
  preTasks: TaskNode[];
  /** One block per role of `roles:`, run before `tasks`. */
  roles: TaskNode[];
  tasks: TaskNode[];
  postTasks: TaskNode[];
  handlers: ActionTask[];
  anyErrorsFatal: boolean;
  maxFailPercentage?: number;
  ignoreErrors: Flag;
  noLog: Flag;
  /** Roles whose defaults and vars every task of the play sees (Ansible's public roles). */
  publicRoles: RoleScope[];
  /** `environment:` of the play, under every task's own. */
  environment?: unknown;
  tags: string[];
  location: TaskLocation;
}

export interface Playbook {
  path: string;
  dir: string;
  plays: Play[];
}
