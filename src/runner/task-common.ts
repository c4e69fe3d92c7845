import type { Module } from '../modules/types.js';
import { readConditionList, readFlag, readStringList, readVars, readString } from './fields.js';
import { toJs } from './yaml-source.js';
import type { ActionTask, RoleScope, TaskCommon } from './model.js';
import type { Entry, YamlSource } from './yaml-source.js';
import { entryError } from './yaml-source.js';

/** What task parsing needs from around it. */
export interface ParseContext {
  playbookDir: string;
  /** Folder of the file being parsed. */
  taskDir: string;
  lookupModule(name: string): Module | undefined;
  /** Files being included, outermost first, to stop include cycles. */
  includeStack: string[];
  /** Folders searched for roles, in order. */
  roleSearch: string[];
  /** Per play: the handlers of every role loaded so far, joined to the play's handlers. */
  roleHandlers: ActionTask[];
  /** Per play: roles already loaded (path and parameters), run once as Ansible does. */
  seenRoles: Set<string>;
  /** The role whose files are being read, if any. */
  role?: RoleScope;
  /**
   * Per play: roles whose defaults and vars every task of the play sees (`roles:`,
   * import_role and their dependencies), as Ansible exposes them by default.
   */
  publicRoles: RoleScope[];
  /** While reading a role's meta dependencies: where their scopes are exposed, if anywhere. */
  depSink?: RoleScope[];
  /** The `-e` variables, known while the playbook loads (for templated import names). */
  extraVars: Record<string, unknown>;
  /** Per play: its vars and vars_files, known while it loads. */
  loadVars: Record<string, unknown>;
}

/** The `with_<lookup>` loops supported besides with_items. */
export const WITH_LOOKUPS = ['first_found', 'dict', 'list'] as const;

type CommonReader = (src: YamlSource, entry: Entry, common: TaskCommon) => void;

/** Parallelism and collection search order mean nothing to this runner: accepted, ignored. */
const ignored: CommonReader = () => undefined;

/** Keywords shared by actions, blocks and includes, each with how it is read. */
const COMMON_READERS: Record<string, CommonReader> = {
  name: (src, entry, common) => (common.name = readString(src, entry)),
  when: (src, entry, common) => (common.when = readConditionList(src, entry)),
  tags: (src, entry, common) => (common.tags = readStringList(src, entry)),
  vars: (src, entry, common) => (common.vars = readVars(src, entry)),
  become: (src, entry, common) => (common.become = readFlag(src, entry)),
  become_user: (src, entry, common) => (common.becomeUser = readString(src, entry)),
  ignore_errors: (src, entry, common) => (common.ignoreErrors = readFlag(src, entry)),
  no_log: (src, entry, common) => (common.noLog = readFlag(src, entry)),
  check_mode: (src, entry, common) => (common.checkMode = readFlag(src, entry)),
  environment: (src, entry, common) => (common.environment = toJs(src, entry.node)),
  delegate_to: (src, entry, common) => (common.delegateTo = readString(src, entry)),
  run_once: (src, entry, common) => (common.runOnce = readFlag(src, entry) === true),
  any_errors_fatal: ignored,
  collections: ignored,
  debugger: ignored,
  throttle: ignored,
};

export const COMMON_KEYS = new Set(Object.keys(COMMON_READERS));

export const ACTION_KEYS = new Set([
  ...COMMON_KEYS,
  'loop',
  'with_items',
  ...WITH_LOOKUPS.map((l) => `with_${l}`),
  'loop_control',
  'register',
  'notify',
  'changed_when',
  'failed_when',
  'args',
  'until',
  'retries',
  'delay',
]);

export const BLOCK_KEYS = new Set([...COMMON_KEYS, 'block', 'rescue', 'always']);
export const INCLUDE_NAMES = new Set([
  'include_tasks',
  'import_tasks',
  'ansible.builtin.include_tasks',
  'ansible.builtin.import_tasks',
]);

/** Reads the shared keywords; returns the entries it did not consume. */
export function parseCommon(
  src: YamlSource,
  entries: Entry[],
  line: number,
  ctx: ParseContext,
): { common: TaskCommon; rest: Entry[] } {
  const common: TaskCommon = {
    when: [],
    tags: [],
    vars: {},
    location: { file: src.file, line },
    taskDir: ctx.taskDir,
  };
  const rest: Entry[] = [];
  for (const entry of entries) {
    if (!applyCommon(src, entry, common)) rest.push(entry);
  }
  return { common, rest };
}

function applyCommon(src: YamlSource, entry: Entry, common: TaskCommon): boolean {
  const read = Object.hasOwn(COMMON_READERS, entry.key) ? COMMON_READERS[entry.key] : undefined;
  read?.(src, entry, common);
  return read !== undefined;
}

/** Rejects any key outside `allowed`, naming it and its line. */
export function rejectUnknown(src: YamlSource, entries: Entry[], allowed: Set<string>, what: string): void {
  for (const entry of entries) {
    if (!allowed.has(entry.key)) throw entryError(src, entry, `unknown ${what} keyword '${entry.key}'`);
  }
}
