import type { RunOptions, RunnerDeps } from './deps.js';
import { gatherFactsTask } from './facts-task.js';
import { containsTemplate } from './fields.js';
import type { Play, Playbook } from './model.js';
import type { HostStats } from './output-types.js';
import { PlayRun } from './play-run.js';
import type { RunState } from './run-state.js';
import { emptyStats, exitCodeOf, newRunState } from './run-state.js';
import { planBatches, resolveSerial } from './serial.js';
import { flush, runSection } from './strategy.js';

export interface RunReport {
  /** 0 all good, 2 a host failed, 4 a host was unreachable (Ansible's codes). */
  exitCode: number;
  stats: Record<string, HostStats>;
  failedHosts: string[];
  unreachableHosts: string[];
}

/** `hosts:` may be a template ("{{ target }}"), rendered with the play's and the extra vars. */
function playPattern(deps: RunnerDeps, options: RunOptions, play: Play): string | string[] {
  if (!containsTemplate(play.hosts)) return play.hosts;
  const rendered = deps.templar.renderValue(play.hosts, { ...play.vars, ...options.extraVars });
  return Array.isArray(rendered) ? rendered.map(String) : String(rendered);
}

function playHosts(deps: RunnerDeps, options: RunOptions, play: Play): string[] {
  const hosts = deps.selectHosts(playPattern(deps, options, play));
  if (!options.limit) return hosts;
  const allowed = new Set(deps.selectHosts(options.limit));
  return hosts.filter((host) => allowed.has(host));
}

/** The whole play on one batch: facts, pre_tasks, tasks, post_tasks, each followed by a handler flush. */
async function runBatch(pr: PlayRun): Promise<void> {
  if (pr.play.gatherFacts) await gatherFactsTask(pr);
  for (const section of [pr.play.preTasks, [...pr.play.roles, ...pr.play.tasks], pr.play.postTasks]) {
    await runSection(pr, section);
    if (!pr.state.aborted) await flush(pr);
  }
}

async function runPlay(
  deps: RunnerDeps,
  options: RunOptions,
  state: RunState,
  playbook: Playbook,
  play: Play,
) {
  const all = playHosts(deps, options, play);
  const hosts = all.filter((host) => !state.failed.has(host) && !state.unreachable.has(host));
  for (const host of hosts) if (!state.stats.has(host)) state.stats.set(host, emptyStats());
  deps.sink.playStart(play.name, hosts);
  if (hosts.length === 0) {
    deps.sink.warning('skipping: no hosts matched');
    return;
  }
  const playVars = () => Object.assign({}, play.vars, ...play.varsFiles, options.extraVars);
  const serial = resolveSerial(play.serial, (v) => deps.templar.renderValue(v, playVars()), play.location);
  for (const batch of planBatches(hosts, serial)) {
    const pr = new PlayRun(deps, options, state, playbook, play, batch, hosts);
    await runBatch(pr);
    // Ansible stops a rolling update when a whole batch failed.
    if (state.aborted || pr.activeHosts().length === 0) break;
  }
}

/** Runs every play in order against the injected collaborators, then prints the recap. */
export async function executePlaybook(
  playbook: Playbook,
  deps: RunnerDeps,
  options: RunOptions,
): Promise<RunReport> {
  const state = newRunState();
  for (const play of playbook.plays) {
    await runPlay(deps, options, state, playbook, play);
    if (state.aborted) break;
  }
  deps.sink.recap(state.stats);
  return {
    exitCode: exitCodeOf(state),
    stats: Object.fromEntries(state.stats),
    failedHosts: [...state.failed],
    unreachableHosts: [...state.unreachable],
  };
}
