import { gatherFacts } from '../facts/gather.js';
import type { RawArgs } from './args.js';
import { argError, optStringList } from './args.js';
import type { Module, ModuleContext, ModuleResult } from './types.js';

const KNOWN = ['gather_subset', 'filter', 'gather_timeout'];

function parseSetupArgs(args: RawArgs): { filter?: string[] } {
  for (const key of Object.keys(args)) {
    if (!KNOWN.includes(key))
      throw argError('setup', key, `unsupported parameter (known: ${KNOWN.join(', ')})`);
  }
  return { filter: optStringList('setup', args, 'filter') };
}

/** Glob-style filter on fact names ("ansible_eth*" or "eth*"), as setup's `filter`. */
function keep(name: string, filters: readonly string[] | undefined): boolean {
  if (filters === undefined || filters.length === 0) return true;
  return filters.some((f) => {
    const pattern = f
      .replace(/^ansible_/, '')
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replaceAll('*', '.*')
      .replaceAll('?', '.');
    return new RegExp(`^${pattern}$`).test(name);
  });
}

async function runSetup(raw: RawArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const { filter } = parseSetupArgs(raw);
  const facts = await gatherFacts(ctx.remote);
  const kept = Object.fromEntries(Object.entries(facts).filter(([k]) => keep(k, filter)));
  return { changed: false, ansible_facts: kept };
}

export const setupModule: Module = {
  name: 'setup',
  aliases: ['ansible.builtin.setup', 'gather_facts', 'ansible.builtin.gather_facts'],
  validate: (args) => void parseSetupArgs(args),
  run: runSetup,
};
