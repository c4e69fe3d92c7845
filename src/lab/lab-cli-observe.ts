import type Dockerode from 'dockerode';
import { IngressError } from '../errors.js';
import type { FleetEntry } from '../metrics/fleet.js';
import { DEFAULT_STATUS_PORT, parseDaemonStatus } from '../metrics/status.js';
import { dockerExec } from './host.js';
import type { LabContainer } from './lab-cli-docker.js';
import { dockerNetworkName, labContainers, requireDocker } from './lab-cli-docker.js';
import type { Snapshot } from './lab-cli-snapshot.js';
import { daemonFacts, dnsFacts, haproxyFacts, unhealthyPaths } from './lab-cli-snapshot.js';
import type { LabState } from './lab-state.js';
import { labPaths, readLabState } from './lab-state.js';
import type { StackTopology } from './topology.js';
import { INGRESS_NODES, STACK_HOSTS, stackTopology } from './topology.js';
import { sleep } from '../time/sleep.js';

export interface LabContext {
  dir: string;
  paths: ReturnType<typeof labPaths>;
  state: LabState;
  topology: StackTopology;
  api: Dockerode;
  containers: Map<string, LabContainer>;
}

/** The fleet: nodes that run the health daemon. */
export const FLEET_NODES = [...INGRESS_NODES, 'proxy'] as const;

/** The lab in the folder, with its containers as Docker sees them now. */
export async function loadLabContext(dir: string): Promise<LabContext> {
  const api = await requireDocker();
  const state = await readLabState(dir);
  const paths = labPaths(dir);
  if (!state) throw new IngressError('E_LAB', `no lab in ${paths.root}: start one with \`ingress lab up\``);
  return {
    dir,
    paths,
    state,
    topology: stackTopology(state.base),
    api,
    containers: await labContainers(api, state.runId),
  };
}

export function containerOf(ctx: LabContext, host: string): LabContainer {
  const found = ctx.containers.get(host);
  if (!found)
    throw new IngressError(
      'E_LAB',
      `lab container ${host} of run ${ctx.state.runId} is gone: recreate the lab with \`ingress lab down\` then \`ingress lab up\``,
    );
  return found;
}

/** Runs a shell command in a running container; undefined when it is stopped or the command failed. */
async function sh(ctx: LabContext, host: string, command: string): Promise<string | undefined> {
  const c = ctx.containers.get(host);
  if (!c?.running) return undefined;
  const result = await dockerExec(c.id, command);
  return result.rc === 0 ? result.stdout : undefined;
}

function parseStatus(host: string, stdout: string | undefined): FleetEntry {
  if (stdout === undefined) return { host, error: `no answer on 127.0.0.1:${DEFAULT_STATUS_PORT}/status` };
  try {
    return { host, status: parseDaemonStatus(stdout) };
  } catch (err) {
    return { host, error: (err as Error).message };
  }
}

export interface Observation {
  snapshot: Snapshot;
  fleet: FleetEntry[];
  /** Nodes whose health daemon does not exist (not installed by the stack). */
  noDaemon: string[];
}

const STATUS_CMD = `curl -sS --max-time 3 http://127.0.0.1:${DEFAULT_STATUS_PORT}/status`;
const STAT_CMD = `/usr/local/lib/ingress/haproxy-cmd "show stat" | cut -d, -f1,2,18`;
const HAS_DAEMON = 'systemctl cat ingress-daemon.service >/dev/null 2>&1';

/** Everything the lab shows, read through docker exec (a stopped node is reported, not waited for). */
export async function observe(ctx: LabContext): Promise<Observation> {
  ctx.containers = await labContainers(ctx.api, ctx.state.runId);
  const snapshot: Snapshot = {};
  for (const host of STACK_HOSTS)
    snapshot[`${host}: container`] = ctx.containers.get(host)?.running ? 'running' : 'stopped';
  // The proxy's links are what `fail wan1|wan2|mesh` cuts: the first line of every such diff.
  const proxy = ctx.containers.get('proxy');
  for (const network of ['wan1', 'wan2', 'underlay'] as const)
    snapshot[`proxy: link ${network}`] =
      proxy && dockerNetworkName(ctx.state.runId, network) in proxy.networks ? 'connected' : 'cut';
  const stats = await Promise.all(INGRESS_NODES.map((n) => sh(ctx, n, STAT_CMD)));
  INGRESS_NODES.forEach((n, i) => Object.assign(snapshot, haproxyFacts(n, stats[i] ?? '')));
  const present = await Promise.all(FLEET_NODES.map((n) => sh(ctx, n, `${HAS_DAEMON} && echo yes`)));
  const noDaemon = FLEET_NODES.filter((n, i) => ctx.containers.get(n)?.running && present[i] === undefined);
  const fleet = await Promise.all(FLEET_NODES.map(async (n) => parseStatus(n, await sh(ctx, n, STATUS_CMD))));
  for (const entry of fleet)
    if (!(noDaemon as readonly string[]).includes(entry.host)) Object.assign(snapshot, daemonFacts(entry));
  const domain = ctx.topology.serviceDomain;
  for (const type of ['A', 'AAAA'] as const)
    Object.assign(
      snapshot,
      dnsFacts(domain, type, await sh(ctx, 'dns', `dig +short +time=2 @127.0.0.1 ${domain} ${type}`)),
    );
  const mesh = `mesh.${domain}`;
  Object.assign(
    snapshot,
    dnsFacts(mesh, 'AAAA', await sh(ctx, 'dns', `dig +short +time=2 @127.0.0.1 ${mesh} AAAA`)),
  );
  return { snapshot, fleet, noDaemon };
}

/** Polls until every path is up (true) or the time is over (false); the last observation either way. */
export async function waitHealthy(
  ctx: LabContext,
  timeoutMs: number,
  now: () => number = Date.now,
): Promise<{ healthy: boolean; observation: Observation }> {
  const deadline = now() + timeoutMs;
  for (;;) {
    const observation = await observe(ctx);
    const paths = Object.keys(observation.snapshot).filter((s) => s.includes(' path '));
    const healthy = paths.length > 0 && unhealthyPaths(observation.snapshot).length === 0;
    if (healthy || now() >= deadline) return { healthy, observation };
    await sleep(1_000);
  }
}

/**
 * After a change: polls until the snapshot differs from `before` and then holds still
 * for three reads (the daemons and HAProxy have noticed), or the time is over.
 */
export async function waitSettled(
  ctx: LabContext,
  before: Snapshot,
  timeoutMs: number,
  now: () => number = Date.now,
): Promise<{ settled: boolean; observation: Observation }> {
  const deadline = now() + timeoutMs;
  let last = JSON.stringify(before);
  let still = 0;
  for (;;) {
    const observation = await observe(ctx);
    const current = JSON.stringify(observation.snapshot);
    still = current !== JSON.stringify(before) && current === last ? still + 1 : 0;
    last = current;
    if (still >= 3) return { settled: true, observation };
    if (now() >= deadline) return { settled: false, observation };
    await sleep(1_000);
  }
}
