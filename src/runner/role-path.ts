import { existsSync, readFileSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

/** `roles_path` from the [defaults] section of an ansible.cfg, if it has one. */
export function rolesPathFromCfg(text: string): string[] {
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const header = /^\[(.+)\]$/.exec(line);
    if (header) section = (header[1] as string).trim();
    const kv = /^roles_path\s*[=:]\s*(.*)$/.exec(line);
    if (section === 'defaults' && kv) return splitPaths(kv[1] as string);
  }
  return [];
}

function splitPaths(value: string): string[] {
  return value
    .split(delimiter)
    .map((p) => p.trim())
    .filter(Boolean);
}

function expandHome(path: string): string {
  return path.startsWith('~/') ? join(process.env.HOME ?? '/', path.slice(2)) : path;
}

/** Ansible reads ANSIBLE_CONFIG, then ./ansible.cfg, then ~/.ansible.cfg; the first found wins. */
function cfgRolesPath(cwd: string, playbookDir: string): string[] {
  const candidates = [
    process.env.ANSIBLE_CONFIG,
    join(cwd, 'ansible.cfg'),
    join(playbookDir, 'ansible.cfg'),
  ].filter((p): p is string => p !== undefined && p !== '');
  for (const file of candidates) {
    if (!existsSync(file)) continue;
    const base = resolve(file, '..');
    return rolesPathFromCfg(readFileSync(file, 'utf8')).map((p) => resolve(base, expandHome(p)));
  }
  return [];
}

/**
 * Where roles are looked for, in Ansible's order: `roles/` beside the playbook,
 * ANSIBLE_ROLES_PATH (or roles_path of ansible.cfg), then the playbook's folder.
 */
export function roleSearchPaths(playbookDir: string, cwd = process.cwd()): string[] {
  const env = process.env.ANSIBLE_ROLES_PATH;
  const configured = env
    ? splitPaths(env).map((p) => resolve(cwd, expandHome(p)))
    : cfgRolesPath(cwd, playbookDir);
  return [join(playbookDir, 'roles'), ...configured, playbookDir];
}

function isDir(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/** A role by name (or path); FQCN role names keep only their last part, as collections are not searched. */
export function findRole(name: string, searchPaths: string[], fromDir?: string): string | undefined {
  if (isAbsolute(name)) return isDir(name) ? name : undefined;
  const short = name.includes('/') ? name : (name.split('.').pop() as string);
  const dirs = fromDir ? [fromDir, ...searchPaths] : searchPaths;
  for (const dir of dirs) {
    for (const candidate of [join(dir, name), join(dir, short)]) {
      if (isDir(candidate)) return resolve(candidate);
    }
  }
  return undefined;
}
