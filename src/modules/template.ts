import { readFile } from 'node:fs/promises';
import { IngressError } from '../errors.js';
import type { RawArgs } from './args.js';
import { checkKnown, reqString } from './args.js';
import type { FileDestArgs } from './copy.js';
import { parseFileDestArgs } from './copy.js';
import { deliverFile } from './deliver-file.js';
import { findSource, missingSourceMessage } from './src-lookup.js';
import type { Module, ModuleContext, ModuleResult } from './types.js';

const KNOWN = ['src', 'dest', 'owner', 'group', 'mode', 'validate', 'backup', 'force'] as const;

export interface TemplateArgs extends FileDestArgs {
  src: string;
}

export function parseTemplateArgs(args: RawArgs): TemplateArgs {
  checkKnown('template', args, KNOWN);
  return { ...parseFileDestArgs('template', args), src: reqString('template', args, 'src') };
}

async function runTemplate(raw: RawArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const args = parseTemplateArgs(raw);
  const srcPath = findSource(args.src, ctx, 'templates');
  if (srcPath === undefined)
    return { changed: false, failed: true, msg: missingSourceMessage(args.src, ctx, 'templates') };
  let rendered: string;
  try {
    rendered = ctx.renderTemplate(await readFile(srcPath, 'utf8'), srcPath);
  } catch (err) {
    if (err instanceof IngressError) throw err;
    throw new IngressError('E_TEMPLATE', `cannot render ${srcPath}: ${String(err)}`, {
      cause: err,
      location: { file: srcPath, field: 'src' },
    });
  }
  // As Ansible: a folder dest gets the template's own basename, .j2 and all.
  const result = await deliverFile({ ...args, srcPath, content: Buffer.from(rendered) }, ctx);
  return { ...result, src: srcPath };
}

export const templateModule: Module = {
  name: 'template',
  aliases: ['ansible.builtin.template'],
  validate: (args) => void parseTemplateArgs(args),
  run: runTemplate,
};
