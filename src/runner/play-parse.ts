import { isAbsolute, join } from 'node:path';
import type { Node } from 'yaml';
import { IngressError } from '../errors.js';
import {
  containsTemplate,
  readBool,
  readFlag,
  readNumber,
  readString,
  readStringList,
  readVars,
} from './fields.js';
import type { ActionTask, Play, SerialSpec, TaskNode } from './model.js';
import type { ParseContext } from './task-common.js';
import { parseHandlers } from './handler-parse.js';
import { validSerialEntry } from './serial.js';
import { parseRoles } from './role-parse.js';
import { parseTaskList } from './task-parse.js';
import type { Entry, YamlSource } from './yaml-source.js';
import { entryError, expectMap, expectSeq, lineOf, readYaml, toJs } from './yaml-source.js';

/** Play keywords accepted and left alone: they tune what this runner does in one fixed way. */
export const IGNORED_PLAY_KEYS = new Set([
  'collections',
  'strategy',
  'order',
  'vars_prompt',
  'module_defaults',
  'force_handlers',
  'ignore_unreachable',
  'check_mode',
  'diff',
  'throttle',
  'remote_user',
  'connection',
]);

const PLAY_KEYS = new Set([
  'name',
  'hosts',
  'vars',
  'vars_files',
  'become',
  'become_user',
  'serial',
  'gather_facts',
  'pre_tasks',
  'tasks',
  'post_tasks',
  'handlers',
  'any_errors_fatal',
  'max_fail_percentage',
  'tags',
  'roles',
  'environment',
  'ignore_errors',
  'no_log',
  ...IGNORED_PLAY_KEYS,
]);

export async function parsePlay(src: YamlSource, node: Node, outer: ParseContext): Promise<Play> {
  // Roles run once per play, and their handlers belong to the play that loaded them.
  const ctx: ParseContext = { ...outer, roleHandlers: [], seenRoles: new Set(), publicRoles: [] };
  const entries = expectMap(src, node, 'a play');
  const unknown = entries.find((e) => !PLAY_KEYS.has(e.key));
  if (unknown) throw entryError(src, unknown, `unknown play keyword '${unknown.key}'`);
  const byKey = (key: string) => entries.find((e) => e.key === key);
  const hostsEntry = byKey('hosts');
  if (!hostsEntry) {
    throw new IngressError('E_PLAYBOOK', 'a play needs hosts', {
      location: { file: src.file, line: lineOf(src, node), field: 'hosts' },
    });
  }
  const hosts = readHosts(src, hostsEntry);
  const list = (key: string) => parseTaskList(src, byKey(key)?.node ?? null, ctx, key);
  const vars = byKey('vars') ? readVars(src, byKey('vars') as Entry) : {};
  const varsFiles = byKey('vars_files')
    ? await readVarsFiles(src, byKey('vars_files') as Entry, ctx.playbookDir)
    : [];
  ctx.loadVars = Object.assign({}, vars, ...varsFiles);
  const play: Play = {
    name: byKey('name')
      ? readString(src, byKey('name') as Entry)
      : Array.isArray(hosts)
        ? hosts.join(',')
        : hosts,
    hosts,
    vars,
    varsFiles,
    gatherFacts: byKey('gather_facts') ? readBool(src, byKey('gather_facts') as Entry) : true,
    preTasks: await list('pre_tasks'),
    roles: await parseRoles(src, byKey('roles')?.node ?? null, ctx, (s, n, c) =>
      parseTaskList(s, n, c, 'tasks'),
    ),
    tasks: await list('tasks'),
    postTasks: await list('post_tasks'),
    handlers: await parseHandlers(src, byKey('handlers')?.node ?? null, ctx),
    // Tasks and handlers inherit these, as from a block around all of them.
    ignoreErrors: byKey('ignore_errors') ? readFlag(src, byKey('ignore_errors') as Entry) : false,
    noLog: byKey('no_log') ? readFlag(src, byKey('no_log') as Entry) : false,
    anyErrorsFatal: byKey('any_errors_fatal') ? readBool(src, byKey('any_errors_fatal') as Entry) : false,
    tags: byKey('tags') ? readStringList(src, byKey('tags') as Entry) : [],
    publicRoles: ctx.publicRoles,
    location: { file: src.file, line: lineOf(src, node) },
  };
  // One list: a role an include reads while the play runs adds its handlers here too.
  ctx.roleHandlers.unshift(...play.handlers);
  play.handlers = ctx.roleHandlers;
  applyOptional(src, byKey, play);
  checkNotify(play);
  return play;
}

function applyOptional(src: YamlSource, byKey: (key: string) => Entry | undefined, play: Play): void {
  const become = byKey('become');
  if (become) play.become = readBool(src, become);
  const becomeUser = byKey('become_user');
  if (becomeUser) play.becomeUser = readString(src, becomeUser);
  const serial = byKey('serial');
  if (serial) play.serial = readSerial(src, serial);
  const maxFail = byKey('max_fail_percentage');
  if (maxFail) play.maxFailPercentage = readNumber(src, maxFail);
  const environment = byKey('environment');
  if (environment) play.environment = toJs(src, environment.node);
}

function readHosts(src: YamlSource, entry: Entry): string | string[] {
  const value = toJs(src, entry.node);
  if (typeof value === 'string' && value.trim() !== '') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  throw entryError(src, entry, 'hosts must be a pattern or a list of patterns');
}

function readSerial(src: YamlSource, entry: Entry): SerialSpec {
  const value = toJs(src, entry.node);
  const list = Array.isArray(value) ? value : [value];
  // A template ("{{ batch }}") is rendered when the play starts, from play and extra vars.
  const ok = list.length > 0 && list.every((v) => validSerialEntry(v) || containsTemplate(v));
  if (!ok) throw entryError(src, entry, 'serial must be a count, a percentage or a list of them');
  return list as SerialSpec;
}

async function readVarsFiles(
  src: YamlSource,
  entry: Entry,
  playbookDir: string,
): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (const item of expectSeq(src, entry.node, 'vars_files')) {
    const name = toJs(src, item);
    if (typeof name !== 'string' || containsTemplate(name)) {
      throw entryError(src, entry, 'vars_files entries must be plain file names');
    }
    const file = await readYaml(isAbsolute(name) ? name : join(playbookDir, name));
    const vars = toJs(file, file.doc.contents as Node | null) ?? {};
    if (typeof vars !== 'object' || Array.isArray(vars))
      throw entryError(src, entry, `${name} must hold a mapping`);
    out.push(vars as Record<string, unknown>);
  }
  return out;
}

function* walk(nodes: TaskNode[]): Generator<ActionTask> {
  for (const node of nodes) {
    if (node.kind === 'action') yield node;
    else yield* walk([...node.block, ...node.rescue, ...node.always]);
  }
}

/** A notify naming no handler is a typo Ansible only finds at run time; find it now. */
function checkNotify(play: Play): void {
  const known = new Set(play.handlers.flatMap((h) => [...(h.name ? [h.name] : []), ...h.listen]));
  const tasks = [...walk(play.preTasks), ...walk(play.tasks), ...walk(play.postTasks), ...play.handlers];
  for (const task of tasks) {
    const missing = task.notify.find((name) => !containsTemplate(name) && !known.has(name));
    if (missing !== undefined) {
      throw new IngressError('E_PLAYBOOK', `notify: no handler named or listening to '${missing}'`, {
        location: { ...task.location, field: 'notify' },
      });
    }
  }
}
