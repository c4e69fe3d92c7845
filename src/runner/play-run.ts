import { OMIT } from '../template/globals.js';
import { markUnsafe } from '../template/unsafe.js';
import type { RunOptions, RunnerDeps } from './deps.js';
import type { Inherited } from './inherit.js';
import type { Play, Playbook, RoleScope } from './model.js';
import type { RunState } from './run-state.js';

/** Ansible's `omit`: an argument rendered to this value is dropped (the templar's own token). */
export { OMIT };

/** Facts as Ansible exposes them: under ansible_facts and as ansible_* names, marked as host data. */
export function factLayer(facts: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!facts) return {};
  const layer: Record<string, unknown> = { ansible_facts: markUnsafe(facts) };
  for (const [key, value] of Object.entries(facts)) {
    layer[key.startsWith('ansible_') ? key : `ansible_${key}`] = markUnsafe(value);
  }
  return layer;
}

/** A task's variables for one host, with the scopes and roles it inherited. */
export function effVars(
  pr: PlayRun,
  eff: Inherited,
  host: string,
  loop: Record<string, unknown> = {},
): Record<string, unknown> {
  const hostLoop = eff.hostLoop?.get(host) ?? {};
  return pr.taskVars(host, eff.vars, { ...hostLoop, ...loop }, eff.roles);
}

function roleMagic(roles: readonly RoleScope[]): Record<string, unknown> {
  const role = roles[roles.length - 1];
  if (!role) return {};
  return { role_path: role.path, role_name: role.name, ansible_role_name: role.name };
}

/** One batch of one play: the hosts in it, pending handler notifications, variable layering. */
export class PlayRun {
  /** Handler index -> hosts that notified it. */
  readonly notified = new Map<number, Set<string>>();
  /** meta: end_play was run. */
  ended = false;
  readonly batchFailed = new Set<string>();
  /** Roles an include_role with `public: true` exposed to the tasks after it. */
  readonly exposedRoles: RoleScope[] = [];

  constructor(
    readonly deps: RunnerDeps,
    readonly options: RunOptions,
    readonly state: RunState,
    readonly playbook: Playbook,
    readonly play: Play,
    readonly batch: readonly string[],
    readonly playHosts: readonly string[],
  ) {}

  alive(host: string): boolean {
    return !this.state.failed.has(host) && !this.state.unreachable.has(host);
  }

  activeHosts(): string[] {
    return this.batch.filter((host) => this.alive(host));
  }

  private inventoryVars(host: string): Record<string, unknown> {
    let vars = this.state.hostVarsCache.get(host);
    if (!vars) {
      vars = this.deps.hostVars(host, this.playbook.dir);
      this.state.hostVarsCache.set(host, vars);
    }
    return vars;
  }

  /**
   * Ansible's order: role defaults < host vars < facts < play vars < vars_files
   * < role vars < registered and set_fact (the play's public roles under the task's own).
   */
  baseVars(host: string, roles: readonly RoleScope[] = []): Record<string, unknown> {
    // The play's public roles first, so the task's own role chain wins over them.
    const pub = [...this.play.publicRoles, ...this.exposedRoles];
    return Object.assign(
      {},
      ...pub.map((r) => r.defaults),
      ...roles.map((r) => r.defaults),
      this.inventoryVars(host),
      factLayer(this.state.facts.get(host)),
      this.play.vars,
      ...this.play.varsFiles,
      ...pub.map((r) => r.vars),
      ...roles.map((r) => r.vars),
      this.state.hostFacts.get(host) ?? {},
    );
  }

  /**
   * The variables a task sees: base < block vars < task vars < role params <
   * loop var < extra vars, then magic names (role_path of the innermost role).
   */
  taskVars(
    host: string,
    scopes: Record<string, unknown>[],
    loop: Record<string, unknown> = {},
    roles: readonly RoleScope[] = [],
  ): Record<string, unknown> {
    return Object.assign(
      {},
      this.baseVars(host, roles),
      ...scopes,
      ...roles.map((r) => r.params),
      loop,
      this.options.extraVars,
      this.magicVars(host),
      roleMagic(roles),
    );
  }

  private magicVars(host: string): Record<string, unknown> {
    return {
      hostvars: this.hostvars(),
      inventory_hostname: host,
      playbook_dir: this.playbook.dir,
      ansible_check_mode: this.options.check,
      ansible_diff_mode: this.options.diff,
      ansible_play_name: this.play.name,
      ansible_play_hosts_all: [...this.playHosts],
      ansible_play_hosts: this.playHosts.filter((h) => this.alive(h)),
      ansible_play_batch: this.activeHosts(),
      omit: OMIT,
    };
  }

  /** Every inventory host's variables, computed only when a template reads them. */
  private hostvars(): Record<string, unknown> {
    const all: Record<string, unknown> = {};
    for (const name of this.deps.inventory.hosts.keys()) {
      Object.defineProperty(all, name, {
        enumerable: true,
        get: () => ({ ...this.baseVars(name), ...this.options.extraVars, inventory_hostname: name }),
      });
    }
    return all;
  }
}
