import type { Node } from 'yaml';
import { parseAction } from './action-parse.js';
import type { BlockTask, TaskNode } from './model.js';
import type { ParseContext } from './task-common.js';
import { BLOCK_KEYS, INCLUDE_NAMES, parseCommon, rejectUnknown } from './task-common.js';
import { parseInclude } from './task-include.js';
import { parseRoleTask, ROLE_TASK_NAMES } from './role-parse.js';
import type { Entry, YamlSource } from './yaml-source.js';
import { expectMap, expectSeq, lineOf } from './yaml-source.js';

export async function parseTaskList(
  src: YamlSource,
  node: Node | null,
  ctx: ParseContext,
  what: string,
): Promise<TaskNode[]> {
  const tasks: TaskNode[] = [];
  for (const item of expectSeq(src, node, what)) tasks.push(await parseTask(src, item, ctx));
  return tasks;
}

export async function parseTask(src: YamlSource, node: Node, ctx: ParseContext): Promise<TaskNode> {
  const entries = expectMap(src, node, 'a task');
  const line = lineOf(src, node);
  if (entries.some((e) => e.key === 'block')) return parseBlock(src, entries, line, ctx);
  const parseList = (s: YamlSource, n: Node | null, c: ParseContext) => parseTaskList(s, n, c, 'tasks');
  if (entries.some((e) => INCLUDE_NAMES.has(e.key))) return parseInclude(src, entries, line, ctx, parseList);
  if (entries.some((e) => ROLE_TASK_NAMES.has(e.key)))
    return parseRoleTask(src, entries, line, ctx, parseList);
  return parseAction(src, entries, line, ctx);
}

async function parseBlock(
  src: YamlSource,
  entries: Entry[],
  line: number,
  ctx: ParseContext,
): Promise<BlockTask> {
  const { common, rest } = parseCommon(src, entries, line, ctx);
  rejectUnknown(src, rest, BLOCK_KEYS, 'block');
  const section = (key: string) => rest.find((e) => e.key === key)?.node ?? null;
  return {
    ...common,
    kind: 'block',
    block: await parseTaskList(src, section('block'), ctx, 'block'),
    rescue: await parseTaskList(src, section('rescue'), ctx, 'rescue'),
    always: await parseTaskList(src, section('always'), ctx, 'always'),
  };
}
