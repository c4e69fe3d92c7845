import type { RawArgs } from './args.js';
import { aliased, argError, checkKnown, optBool, optEnum, optString } from './args.js';
import type { LineSpec } from './line-edit.js';
import { editLine } from './line-edit.js';
import type { EditedFileArgs } from './text-edit.js';
import { EDITED_FILE_KEYS, parseEditedFile, pythonRegExp, runTextEdit } from './text-edit.js';
import type { Module, ModuleContext, ModuleResult } from './types.js';

const KNOWN = [
  ...EDITED_FILE_KEYS,
  'line',
  'regexp',
  'search_string',
  'state',
  'insertafter',
  'insertbefore',
  'backrefs',
  'firstmatch',
] as const;

export interface LineinfileArgs {
  file: EditedFileArgs;
  spec: LineSpec;
}

export function parseLineinfileArgs(raw: RawArgs): LineinfileArgs {
  const args = aliased(aliased(raw, 'path', ['dest', 'destfile', 'name']), 'line', ['value']);
  checkKnown('lineinfile', args, KNOWN);
  const state = optEnum('lineinfile', args, 'state', ['present', 'absent'] as const) ?? 'present';
  const regexp = optString('lineinfile', args, 'regexp');
  const spec: LineSpec = {
    state,
    line: optString('lineinfile', args, 'line'),
    regexp: regexp === undefined ? undefined : pythonRegExp('lineinfile', 'regexp', regexp),
    searchString: optString('lineinfile', args, 'search_string'),
    insertAfter: optString('lineinfile', args, 'insertafter'),
    insertBefore: optString('lineinfile', args, 'insertbefore'),
    backrefs: optBool('lineinfile', args, 'backrefs') ?? false,
    firstMatch: optBool('lineinfile', args, 'firstmatch') ?? false,
  };
  if (state === 'present' && spec.line === undefined)
    throw argError('lineinfile', 'line', 'is required with state=present');
  if (state === 'absent' && spec.line === undefined && !regexp && spec.searchString === undefined) {
    throw argError(
      'lineinfile',
      'regexp',
      'one of line, regexp or search_string is required with state=absent',
    );
  }
  if (spec.insertAfter !== undefined && spec.insertBefore !== undefined) {
    throw argError('lineinfile', 'insertbefore', 'is mutually exclusive with insertafter');
  }
  if (regexp !== undefined && spec.searchString !== undefined) {
    throw argError('lineinfile', 'search_string', 'is mutually exclusive with regexp');
  }
  if (spec.backrefs && regexp === undefined) throw argError('lineinfile', 'backrefs', 'needs regexp');
  return { file: parseEditedFile('lineinfile', args), spec };
}

async function runLineinfile(raw: RawArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const { file, spec } = parseLineinfileArgs(raw);
  return runTextEdit('lineinfile', file, (content) => editLine(content, spec), ctx);
}

export const lineinfileModule: Module = {
  name: 'lineinfile',
  aliases: ['ansible.builtin.lineinfile'],
  validate: (args) => void parseLineinfileArgs(args),
  run: runLineinfile,
};
