import type { Node } from 'yaml';
import type { ActionTask, BlockTask, TaskCommon } from './model.js';
import type { ParseContext } from './task-common.js';
import { INCLUDE_NAMES } from './task-common.js';
import { parseInclude } from './task-include.js';
import { parseAction } from './action-parse.js';
import type { YamlSource } from './yaml-source.js';
import { entryError, expectMap, expectSeq, lineOf } from './yaml-source.js';

/**
 * An included handler takes the include's keywords as a block's child would:
 * conditions and tags add up, vars layer under its own, the rest it may override.
 */
function underInclude(include: TaskCommon, handler: ActionTask): ActionTask {
  const out: ActionTask = {
    ...handler,
    when: [...include.when, ...handler.when],
    tags: [...new Set([...include.tags, ...handler.tags])],
    vars: { ...include.vars, ...handler.vars },
    // Notifying the include's name runs every handler in it, as Ansible's include_tasks handler does.
    listen: include.name === undefined ? handler.listen : [...handler.listen, include.name],
  };
  const become = handler.become ?? include.become;
  if (become !== undefined) out.become = become;
  const becomeUser = handler.becomeUser ?? include.becomeUser;
  if (becomeUser !== undefined) out.becomeUser = becomeUser;
  const checkMode = handler.checkMode ?? include.checkMode;
  if (checkMode !== undefined) out.checkMode = checkMode;
  const ignoreErrors = handler.ignoreErrors ?? include.ignoreErrors;
  if (ignoreErrors !== undefined) out.ignoreErrors = ignoreErrors;
  const noLog = handler.noLog ?? include.noLog;
  if (noLog !== undefined) out.noLog = noLog;
  return out;
}

function flatten(include: BlockTask): ActionTask[] {
  return include.block.map((child) => underInclude(include, child as ActionTask));
}

/**
 * Handlers are actions, or import_tasks/include_tasks of files of handlers;
 * both are read now, and the included handlers join the play's list in place.
 */
export async function parseHandlers(
  src: YamlSource,
  node: Node | null,
  ctx: ParseContext,
): Promise<ActionTask[]> {
  const handlers: ActionTask[] = [];
  for (const item of expectSeq(src, node, 'handlers')) {
    const entries = expectMap(src, item, 'a handler');
    const line = lineOf(src, item);
    const block = entries.find((e) => e.key === 'block');
    if (block) throw entryError(src, block, 'handlers cannot use block');
    if (entries.some((e) => INCLUDE_NAMES.has(e.key))) {
      const include = await parseInclude(src, entries, line, ctx, parseHandlers);
      // parseInclude names an unnamed include after its file; only a given name is notifiable.
      const named = entries.some((e) => e.key === 'name') ? include : { ...include, name: undefined };
      handlers.push(...flatten(named));
    } else {
      handlers.push(await parseAction(src, entries, line, ctx, ['listen']));
    }
  }
  return handlers;
}
