import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { splitArgs } from './args.js';
import type { LazyContext } from './runtime.js';
import { isUndefined } from './undefined.js';

/** Globals playbooks call: lookup/query, dict, omit. */

/** Ansible's `omit`: a module argument or map key rendered to this is dropped. */
export const OMIT = `__omit_place_holder__${randomBytes(20).toString('hex')}`;

export interface LookupDeps {
  searchPaths: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  /** Renders a template file with the calling template's variables. */
  renderFile(path: string, context: LazyContext): string;
}

/** The first existing file named `name` under the search paths (or absolute). */
export function findFile(searchPaths: readonly string[], name: string): string | undefined {
  const candidates = isAbsolute(name) ? [name] : searchPaths.map((dir) => join(dir, name));
  return candidates.find((path) => existsSync(path) && statSync(path).isFile());
}

/** A role's folders come before the playbook's, as Ansible searches from the task's role. */
function roleDirs(context: LazyContext): string[] {
  const rolePath = context.lookup('role_path');
  if (typeof rolePath !== 'string') return [];
  return ['vars', 'files', 'templates', 'tasks', ''].map((sub) => join(rolePath, sub));
}

/** Terms are names or `{files, paths, skip}` mappings; the first existing file wins. */
function firstFound(
  deps: LookupDeps,
  terms: unknown[],
  kwargs: Record<string, unknown>,
  context: LazyContext,
): unknown[] {
  const names: string[] = [];
  const paths: string[] = [];
  let skip = kwargs['skip'] === true;
  const asList = (v: unknown) => (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(String);
  for (const term of terms.flat()) {
    if (term !== null && typeof term === 'object') {
      const spec = term as Record<string, unknown>;
      names.push(...asList(spec['files']));
      paths.push(...asList(spec['paths']));
      skip ||= spec['skip'] === true;
    } else names.push(String(term));
  }
  names.push(...asList(kwargs['files']));
  paths.push(...asList(kwargs['paths']));
  const dirs = [...paths, ...roleDirs(context), ...deps.searchPaths];
  const found = names.map((n) => findFile(dirs, n)).find((p) => p !== undefined);
  if (found !== undefined) return [found];
  if (skip) return [];
  throw new Error(`No file was found when using first_found: ${names.join(', ')}`);
}

type Lookup = (terms: unknown[], kwargs: Record<string, unknown>, context: LazyContext) => unknown[];

function lookups(deps: LookupDeps): Record<string, Lookup> {
  const locate = (term: unknown): string => {
    const path = findFile(deps.searchPaths, String(term));
    if (path === undefined) throw new Error(`could not locate file in lookup: ${String(term)}`);
    return path;
  };
  return {
    env: (terms, kwargs) => terms.map((t) => deps.env[String(t)] ?? kwargs['default'] ?? ''),
    file: (terms, kwargs) =>
      terms.map((t) => {
        let text = readFileSync(locate(t), 'utf8');
        if (kwargs['rstrip'] !== false) text = text.trimEnd();
        return kwargs['lstrip'] === true ? text.trimStart() : text;
      }),
    template: (terms, _kwargs, context) => terms.map((t) => deps.renderFile(locate(t), context)),
    vars: (terms, kwargs, context) =>
      terms.map((t) => {
        const value = context.lookup(String(t));
        if (!isUndefined(value)) return value;
        if (Object.hasOwn(kwargs, 'default')) return kwargs['default'];
        throw new Error(`No variable found with this name: ${String(t)}`);
      }),
    first_found: (terms, kwargs, context) => firstFound(deps, terms, kwargs, context),
    dict: (terms) =>
      terms
        .flat()
        .flatMap((t) =>
          t !== null && typeof t === 'object'
            ? Object.entries(t).map(([key, value]) => ({ key, value }))
            : [],
        ),
    items: (terms) => terms.flat(),
    list: (terms) => (terms.length === 1 && Array.isArray(terms[0]) ? (terms[0] as unknown[]) : terms),
  };
}

export function createGlobals(deps: LookupDeps): Record<string, unknown> {
  const plugins = lookups(deps);
  function run(context: LazyContext, args: unknown[]): unknown[] {
    const { positional, kwargs } = splitArgs(args);
    const [name, ...terms] = positional;
    for (const term of terms) if (isUndefined(term)) term.fail();
    const plugin = plugins[String(name)];
    if (!plugin) throw new Error(`lookup plugin (${String(name)}) not found`);
    return plugin(terms, kwargs, context);
  }
  // Ansible joins string results with commas unless wantlist=True.
  function lookup(this: LazyContext, ...args: unknown[]): unknown {
    const results = run(this, args);
    if (splitArgs(args).kwargs['wantlist'] === true) return results;
    if (results.every((r) => typeof r === 'string')) return results.join(',');
    return results.length === 1 ? results[0] : results;
  }
  function query(this: LazyContext, ...args: unknown[]): unknown[] {
    return run(this, args);
  }
  return {
    lookup,
    query,
    q: query,
    dict: (...args: unknown[]) => {
      const { kwargs } = splitArgs(args);
      return { ...kwargs };
    },
    omit: OMIT,
  };
}
