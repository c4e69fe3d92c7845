import type { RawArgs } from './args.js';
import { aliased, checkKnown, optBool, optEnum, optString } from './args.js';
import type { BlockSpec } from './line-edit.js';
import { editBlock } from './line-edit.js';
import type { EditedFileArgs } from './text-edit.js';
import { EDITED_FILE_KEYS, parseEditedFile, runTextEdit } from './text-edit.js';
import type { Module, ModuleContext, ModuleResult } from './types.js';

const KNOWN = [
  ...EDITED_FILE_KEYS,
  'block',
  'marker',
  'marker_begin',
  'marker_end',
  'state',
  'insertafter',
  'insertbefore',
  'prepend_newline',
  'append_newline',
] as const;

export interface BlockinfileArgs {
  file: EditedFileArgs;
  spec: BlockSpec;
}

export function parseBlockinfileArgs(raw: RawArgs): BlockinfileArgs {
  const args = aliased(aliased(raw, 'path', ['dest', 'destfile', 'name']), 'block', ['content']);
  checkKnown('blockinfile', args, KNOWN);
  const spec: BlockSpec = {
    state: optEnum('blockinfile', args, 'state', ['present', 'absent'] as const) ?? 'present',
    block: optString('blockinfile', args, 'block') ?? '',
    marker: optString('blockinfile', args, 'marker') ?? '# {mark} ANSIBLE MANAGED BLOCK',
    markerBegin: optString('blockinfile', args, 'marker_begin') ?? 'BEGIN',
    markerEnd: optString('blockinfile', args, 'marker_end') ?? 'END',
    insertAfter: optString('blockinfile', args, 'insertafter'),
    insertBefore: optString('blockinfile', args, 'insertbefore'),
    prependNewline: optBool('blockinfile', args, 'prepend_newline') ?? false,
    appendNewline: optBool('blockinfile', args, 'append_newline') ?? false,
  };
  return { file: parseEditedFile('blockinfile', args), spec };
}

async function runBlockinfile(raw: RawArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const { file, spec } = parseBlockinfileArgs(raw);
  return runTextEdit('blockinfile', file, (content) => editBlock(content, spec), ctx);
}

export const blockinfileModule: Module = {
  name: 'blockinfile',
  aliases: ['ansible.builtin.blockinfile'],
  validate: (args) => void parseBlockinfileArgs(args),
  run: runBlockinfile,
};
