import type { RawArgs } from './args.js';
import { aliased, checkKnown, optString } from './args.js';
import { aptModule } from './apt.js';
import type { Module, ModuleContext, ModuleResult } from './types.js';

const KNOWN = ['name', 'state', 'use'] as const;

/** `package` on Debian is apt with only name and state; `use` may only pick apt. */
export function toAptArgs(raw: RawArgs): RawArgs {
  const args = aliased(raw, 'name', ['pkg']);
  checkKnown('package', args, KNOWN);
  const use = optString('package', args, 'use');
  if (use !== undefined && use !== 'auto' && use !== 'apt') {
    throw new Error(`package: use: only apt is supported on this runner, got ${JSON.stringify(use)}`);
  }
  const out: RawArgs = { name: args.name };
  if (args.state !== undefined) out.state = args.state === 'installed' ? 'present' : args.state;
  return out;
}

export const packageModule: Module = {
  name: 'package',
  aliases: ['ansible.builtin.package'],
  validate: (args) => aptModule.validate(toAptArgs(args)),
  run: (args: RawArgs, ctx: ModuleContext): Promise<ModuleResult> => aptModule.run(toAptArgs(args), ctx),
};
