/** The typed model of a playbook, as the loader builds it and the executor walks it. */

export interface TaskLocation {
  file: string;
  line: number;
}

/** Keywords every task node may carry; children inherit when/tags/become/vars from blocks. */
export interface TaskCommon {
  name?: string;
  when: unknown[];
  tags: string[];
  vars: Record<string, unknown>;
  become?: boolean;
  becomeUser?: string;
  ignoreErrors: boolean;
  noLog: boolean;
  checkMode?: boolean;
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
  /** Handlers only: the topics they answer to besides their name. */
  listen: string[];
}

export interface BlockTask extends TaskCommon {
  kind: 'block';
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
  tasks: TaskNode[];
  postTasks: TaskNode[];
  handlers: ActionTask[];
  anyErrorsFatal: boolean;
  maxFailPercentage?: number;
  tags: string[];
  location: TaskLocation;
}

export interface Playbook {
  path: string;
  dir: string;
  plays: Play[];
}
