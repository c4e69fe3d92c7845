import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { createTemplar } from '../../src/template/templar.js';
import type { Templar } from '../../src/template/types.js';

const playbooks = new URL('../../playbooks/', import.meta.url);

/** Inventory data the way the stack's templates see it: groups and each host's own variables. */
export interface StackInventory {
  groups: Record<string, string[]>;
  hostvars: Record<string, Record<string, unknown>>;
}

/** The settings `tasks/defaults.yml` resolves (ig_ports, ig_checks, ...), from that very file. */
async function resolvedSettings(
  templar: Templar,
  vars: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const tasks = parse(await readFile(new URL('tasks/defaults.yml', playbooks), 'utf8')) as Array<{
    set_fact?: Record<string, unknown>;
  }>;
  const facts = tasks.find((task) => task.set_fact)?.set_fact;
  if (!facts) throw new Error('playbooks/tasks/defaults.yml has no set_fact task');
  return Object.fromEntries(
    Object.entries(facts).map(([name, value]) => [name, templar.renderValue(value, vars)]),
  );
}

/**
 * Renders one of `playbooks/templates/` for one host with the project's template engine,
 * as `ingress up` would: so tests that deploy a config deploy the shipped one.
 */
export async function renderStackTemplate(
  name: string,
  host: string,
  inventory: StackInventory,
): Promise<string> {
  const own = inventory.hostvars[host] ?? {};
  const vars = { ...own, inventory_hostname: host, groups: inventory.groups, hostvars: inventory.hostvars };
  const templar = createTemplar();
  const settings = await resolvedSettings(templar, vars);
  const path = fileURLToPath(new URL(`templates/${name}`, playbooks));
  return templar.renderText(await readFile(path, 'utf8'), { ...vars, ...settings }, path);
}

/** A StackInventory kept as a YAML fixture (groups and hostvars). */
export async function readStackInventory(url: URL): Promise<StackInventory> {
  return parse(await readFile(url, 'utf8')) as StackInventory;
}
