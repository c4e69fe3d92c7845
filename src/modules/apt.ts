import type { AptCacheState, PackageState } from '../facts/apt.js';
import { aptCacheFact, aptPolicyFact, dpkgFact } from '../facts/apt.js';
import { runFact } from '../facts/run.js';
import type { RawArgs } from './args.js';
import { aliased, argError, checkKnown, optBool, optEnum, optNumber, optStringList } from './args.js';
import type { Plan } from './plan.js';
import { planOf } from './plan.js';
import { q } from './shell-quote.js';
import type { Module, ModuleContext, ModuleResult } from './types.js';

const KNOWN = ['name', 'state', 'update_cache', 'cache_valid_time', 'purge', 'install_recommends'] as const;
const PACKAGE_NAME = /^[a-z0-9][a-z0-9+.-]*(:[a-z0-9-]+)?(=[A-Za-z0-9.+:~*-]+)?$/;

/** `nodejs=20.*`: the package and the version pattern apt-get accepts, `*` matching anything. */
export function splitPin(spec: string): { name: string; pin?: string } {
  const at = spec.indexOf('=');
  return at < 0 ? { name: spec } : { name: spec.slice(0, at), pin: spec.slice(at + 1) };
}

export function versionMatches(version: string | undefined, pin: string | undefined): boolean {
  if (pin === undefined) return true;
  if (version === undefined) return false;
  const re = new RegExp(`^${pin.replace(/[.+^$()|[\]{}\\?]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return re.test(version);
}

export interface AptArgs {
  names: string[];
  state: 'present' | 'absent' | 'latest';
  updateCache: boolean;
  cacheValidTimeS?: number;
  purge: boolean;
  /** Unset: apt's own configuration decides, as in Ansible. */
  installRecommends?: boolean;
}

export type AptChange =
  | { kind: 'install'; names: string[]; noRecommends?: boolean }
  | { kind: 'upgrade'; names: string[] }
  | { kind: 'remove'; names: string[]; purge: boolean };

export function parseAptArgs(raw: RawArgs): AptArgs {
  const args = aliased(raw, 'name', ['pkg', 'package']);
  checkKnown('apt', args, KNOWN);
  const names = optStringList('apt', args, 'name') ?? [];
  names.forEach((n, i) => {
    if (!PACKAGE_NAME.test(n))
      throw argError('apt', `name[${i}]`, `${JSON.stringify(n)} is not a package name`);
  });
  const cacheValidTimeS = optNumber('apt', args, 'cache_valid_time');
  const updateCache = optBool('apt', args, 'update_cache') ?? cacheValidTimeS !== undefined;
  if (names.length === 0 && !updateCache) throw argError('apt', 'name', 'name or update_cache is required');
  return {
    names,
    state: optEnum('apt', args, 'state', ['present', 'absent', 'latest'] as const) ?? 'present',
    updateCache,
    cacheValidTimeS,
    purge: optBool('apt', args, 'purge') ?? false,
    installRecommends: optBool('apt', args, 'install_recommends'),
  };
}

/** Pure: update unless the last update is younger than cache_valid_time. */
export function needsCacheUpdate(args: AptArgs, cache: AptCacheState): boolean {
  if (!args.updateCache) return false;
  if (args.cacheValidTimeS === undefined || cache.updatedS === undefined) return true;
  return cache.nowS - cache.updatedS > args.cacheValidTimeS;
}

/** Pure: which packages to install, upgrade or remove, from dpkg (or apt-cache policy) facts. */
export function planApt(args: AptArgs, packages: Record<string, PackageState>): Plan<AptChange> {
  const specs = args.names.map(splitPin);
  const pkgs = specs.map(({ name }) => packages[name] ?? { name, status: 'not-installed' as const });
  const changes: AptChange[] = [];
  if (args.state === 'absent') {
    const gone = pkgs.filter((p) => p.status === 'installed' || (args.purge && p.status === 'config-files'));
    if (gone.length > 0) changes.push({ kind: 'remove', names: gone.map((p) => p.name), purge: args.purge });
    return planOf(changes, 'packages are already absent', `remove ${gone.map((p) => p.name).join(' ')}`);
  }
  // A pinned package whose installed version is outside the pin is installed again at the pin.
  const missing = specs
    .filter((s, i) => pkgs[i]?.status !== 'installed' || !versionMatches(pkgs[i]?.version, s.pin))
    .map((s) => (s.pin === undefined ? s.name : `${s.name}=${s.pin}`));
  if (missing.length > 0) {
    changes.push({
      kind: 'install',
      names: missing,
      ...(args.installRecommends === false ? { noRecommends: true } : {}),
    });
  }
  if (args.state === 'latest') {
    const old = pkgs.filter(
      (p) => p.status === 'installed' && p.candidate !== undefined && p.candidate !== p.version,
    );
    if (old.length > 0) changes.push({ kind: 'upgrade', names: old.map((p) => p.name) });
  }
  const what = changes.map((c) => `${c.kind} ${c.names.join(' ')}`).join('; ');
  return planOf(changes, `packages are already ${args.state === 'latest' ? 'latest' : 'present'}`, what);
}

const APT_GET =
  'DEBIAN_FRONTEND=noninteractive apt-get -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold';

/** One apt-get per change; noninteractive, keeping local config files on upgrade. */
export function aptCommands(changes: readonly AptChange[]): string[] {
  return changes.map((c) => {
    const names = c.names.map(q).join(' ');
    if (c.kind === 'remove') return `${APT_GET} remove ${c.purge ? '--purge ' : ''}${names}`;
    const flags = c.kind === 'upgrade' ? '--only-upgrade ' : c.noRecommends ? '--no-install-recommends ' : '';
    return `${APT_GET} install ${flags}${names}`;
  });
}

async function updateCache(args: AptArgs, ctx: ModuleContext): Promise<ModuleResult | boolean> {
  if (!args.updateCache) return false;
  const cache = await runFact(ctx.remote, aptCacheFact());
  if (!needsCacheUpdate(args, cache)) return false;
  if (ctx.check) return true;
  const res = await ctx.remote.exec('DEBIAN_FRONTEND=noninteractive apt-get update -q');
  if (res.rc !== 0) return { changed: false, failed: true, msg: 'Failed to update apt cache', ...res };
  return true;
}

async function runApt(raw: RawArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const args = parseAptArgs(raw);
  const updated = await updateCache(args, ctx);
  if (typeof updated !== 'boolean') return updated;
  if (args.names.length === 0) return { changed: updated, cache_updated: updated, msg: 'cache checked' };
  const bare = args.names.map((n) => splitPin(n).name);
  const fact = args.state === 'latest' ? aptPolicyFact(bare) : dpkgFact(bare);
  const plan = planApt(args, await runFact(ctx.remote, fact));
  const base: ModuleResult = { changed: plan.changes.length > 0, msg: plan.reason, cache_updated: updated };
  if (!base.changed || ctx.check) return base;
  let stdout = '';
  for (const cmd of aptCommands(plan.changes)) {
    const res = await ctx.remote.exec(cmd);
    stdout += res.stdout;
    if (res.rc !== 0)
      return {
        ...base,
        failed: true,
        msg: `'${cmd}' failed: ${res.stderr.trim()}`,
        rc: res.rc,
        stdout,
        stderr: res.stderr,
      };
  }
  return { ...base, rc: 0, stdout, stdout_lines: stdout.split('\n').filter((l) => l !== '') };
}

export const aptModule: Module = {
  name: 'apt',
  aliases: ['ansible.builtin.apt'],
  validate: (args) => void parseAptArgs(args),
  run: runApt,
};
