import { createTemplar } from '../template/templar.js';
import type { Templar } from '../template/types.js';
import { formatError } from '../errors.js';
import type { ParseContext } from './task-common.js';
import type { Entry, YamlSource } from './yaml-source.js';
import { entryError } from './yaml-source.js';

let templar: Templar | undefined;

/**
 * An import's templated name, rendered while the playbook loads: as in Ansible, only
 * what is known then (play vars, vars_files, the role's defaults and vars, extra
 * vars); facts and inventory variables are not, so a name using them is refused.
 */
export function renderAtLoad(src: YamlSource, entry: Entry, name: string, ctx: ParseContext): string {
  templar ??= createTemplar({ searchPaths: [ctx.playbookDir] });
  const role = ctx.role;
  const vars = {
    ...role?.defaults,
    ...ctx.loadVars,
    ...role?.vars,
    ...ctx.extraVars,
    playbook_dir: ctx.playbookDir,
    ...(role ? { role_path: role.path, role_name: role.name } : {}),
  };
  try {
    return templar.renderText(name, vars);
  } catch (err) {
    throw entryError(
      src,
      entry,
      `cannot render the import name '${name}' (${formatError(err)}): imports are read with the ` +
        'playbook and may use vars, vars_files and extra vars, not facts or inventory variables',
    );
  }
}
