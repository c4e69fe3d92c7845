import type { RawArgs } from './args.js';
import { checkKnown } from './args.js';
import type { Module, ModuleContext, ModuleResult } from './types.js';

export const SERVICE_FACTS_COMMAND =
  'systemctl list-units --type=service --all --no-legend --no-pager --plain; echo @@files; ' +
  'systemctl list-unit-files --type=service --no-legend --no-pager';

export interface ServiceFact {
  name: string;
  state: string;
  status: string;
  source: 'systemd';
}

/** Ansible's `services` fact: every unit with its run state and its enablement. */
export function parseServiceFacts(stdout: string): Record<string, ServiceFact> {
  const [units = '', files = ''] = stdout.split('@@files');
  const services: Record<string, ServiceFact> = {};
  for (const line of files.split('\n')) {
    const [name, status] = line.trim().split(/\s+/);
    if (name?.endsWith('.service') && status)
      services[name] = { name, state: 'stopped', status, source: 'systemd' };
  }
  for (const line of units.split('\n')) {
    // The bullet as an escape: the CLI bundle stays ASCII, which loads faster (cli/code-cache.ts).
    const [name, , active, sub] = line
      .trim()
      .replace(/^\u25cf\s*/, '')
      .split(/\s+/);
    if (!name?.endsWith('.service')) continue;
    const state = sub === 'running' ? 'running' : active === 'failed' ? 'failed' : 'stopped';
    services[name] = { ...(services[name] ?? { name, status: 'unknown', source: 'systemd' }), state };
  }
  return services;
}

async function runServiceFacts(raw: RawArgs, ctx: ModuleContext): Promise<ModuleResult> {
  checkKnown('service_facts', raw, []);
  const res = await ctx.remote.exec(SERVICE_FACTS_COMMAND);
  if (res.rc !== 0) return { changed: false, failed: true, msg: `systemctl failed: ${res.stderr.trim()}` };
  return { changed: false, ansible_facts: { services: parseServiceFacts(res.stdout) } };
}

export const serviceFactsModule: Module = {
  name: 'service_facts',
  aliases: ['ansible.builtin.service_facts'],
  validate: (args) => checkKnown('service_facts', args, []),
  run: runServiceFacts,
};
