import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { IngressError } from '../errors.js';
import { validateGroupVarsText, validateHostsText } from './validate.js';

const YAML_FILE = /\.ya?ml$/;

async function listYaml(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listYaml(path)));
    else if (YAML_FILE.test(entry.name)) out.push(path);
  }
  return out;
}

/** The inventory files and the group_vars files beside them, as Ansible finds them. */
export async function stackConfigFiles(
  inventories: string[],
): Promise<{ hosts: string[]; groupVars: string[] }> {
  const hosts: string[] = [];
  const groupVars: string[] = [];
  for (const source of inventories) {
    const info = await stat(source).catch((cause: unknown) => {
      throw new IngressError('E_CONFIG', `cannot read inventory ${source}`, {
        cause,
        location: { file: source },
      });
    });
    const dir = info.isDirectory() ? source : dirname(source);
    if (info.isDirectory()) {
      const top = await readdir(dir, { withFileTypes: true });
      hosts.push(
        ...top
          .filter((e) => e.isFile() && YAML_FILE.test(e.name))
          .map((e) => join(dir, e.name))
          .sort(),
      );
    } else if (YAML_FILE.test(source)) hosts.push(source);
    groupVars.push(...(await listYaml(join(dir, 'group_vars'))));
  }
  return { hosts, groupVars };
}

/** Checks every stack variable in the inventory's files; throws E_CONFIG naming file, line and key. */
export async function validateStackConfig(inventories: string[]): Promise<void> {
  const files = await stackConfigFiles(inventories);
  for (const file of files.hosts) validateHostsText(file, await readFile(file, 'utf8'));
  for (const file of files.groupVars) validateGroupVarsText(file, await readFile(file, 'utf8'));
}
