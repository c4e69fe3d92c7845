import { randomBytes } from 'node:crypto';
import { chmod, cp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { up } from '../stack/up.js';
import { IngressError } from '../errors.js';
import { fleetRows, formatFleetTable } from '../metrics/fleet.js';
import { removeLabResources } from './docker.js';
import { dockerExec } from './host.js';
import { ensureImage, type DebianRelease } from './image.js';
import type { LabOut } from './lab-cli-actions.js';
import { healAll } from './lab-cli-actions.js';
import { requireDocker, labContainers } from './lab-cli-docker.js';
import { dirFlag, nextCommands } from './lab-cli-info.js';
import { containerOf, FLEET_NODES, loadLabContext, waitHealthy, type LabContext } from './lab-cli-observe.js';
import { formatSnapshot, unhealthyPaths } from './lab-cli-snapshot.js';
import type { LabState } from './lab-state.js';
import { labPaths, readLabState, writeLabState } from './lab-state.js';
import { startStackLab } from './stack-lab.js';
import { addressOf, STACK_HOSTS } from './topology.js';
import { sleep } from '../time/sleep.js';

export interface LabUpOptions {
  dir: string;
  base: number;
  debian: DebianRelease;
  cwd: string;
  healthTimeoutMs: number;
  now?: () => number;
}

/**
 * Ctrl-C (or SIGTERM) while this invocation builds a lab removes what it made: the
 * run's containers and networks (twice, for creations that were in flight) and its folder.
 */
function tearDownOnInterrupt(runId: string, dir: string, out: LabOut): () => void {
  const handler = (signal: NodeJS.Signals): void => {
    out.stderr.write(`\n${signal}: removing lab ${runId} (what this run made)...\n`);
    const sweep = () => removeLabResources(runId).catch(() => undefined);
    void sweep()
      .then(() => sleep(3_000))
      .then(sweep)
      .then(() => rm(labPaths(dir).root, { recursive: true, force: true }))
      .finally(() => process.exit(130));
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

/** Moves the stack's temporary work folder into the lab folder and points the inventory at it. */
async function adoptWorkDir(workDir: string, dir: string): Promise<void> {
  const paths = labPaths(dir);
  // Verbatim: the CA keeps relative links (ca.key -> cas/ID/ca.key) that must move with it.
  await cp(workDir, paths.root, { recursive: true, verbatimSymlinks: true });
  await rm(workDir, { recursive: true, force: true });
  await chmod(paths.privateKey, 0o600);
  const entries = await readdir(paths.inventory, { recursive: true });
  for (const entry of entries) {
    const file = join(paths.inventory, entry);
    if (!(await stat(file)).isFile()) continue;
    const text = await readFile(file, 'utf8');
    if (text.includes(workDir)) await writeFile(file, text.split(workDir).join(paths.root));
  }
}

async function createLabFresh(options: LabUpOptions, out: LabOut): Promise<() => void> {
  const runId = randomBytes(4).toString('hex');
  const now = options.now ?? Date.now;
  const state: LabState = {
    version: 1,
    runId,
    base: options.base,
    debian: options.debian,
    createdAt: new Date(now()).toISOString(),
    phase: 'starting',
  };
  // Written first: a run that dies half-way leaves a folder `ingress lab down` can clean up.
  await writeLabState(options.dir, state);
  const release = tearDownOnInterrupt(runId, options.dir, out);
  try {
    out.stdout.write(
      `lab images: checking bare Debian ${options.debian} nodes and the services image (a first build takes a few minutes; progress below)\n`,
    );
    await ensureImage('node', options.debian);
    await ensureImage('services', 13);
    out.stdout.write(
      `starting lab ${runId} (9 containers with the mesh users', 6 networks with the package cache's)...\n`,
    );
    const stack = await startStackLab({
      base: options.base,
      runId,
      debian: options.debian,
      meshUsers: true,
    });
    const t = stack.topology;
    if (t.base !== options.base)
      out.stdout.write(
        `10.${options.base}.0.0/16 is taken on this machine: the lab uses the next free range\n`,
      );
    out.stdout.write(`lab networks: 10.${t.base}.0.0/16 and fd1e:${t.base}::/32 (dual stack)\n`);
    await adoptWorkDir(stack.lab.workDir, options.dir);
    await writeLabState(options.dir, { ...state, base: t.base, phase: 'ready', tsig: stack.tsig });
    return release;
  } catch (err) {
    release();
    await removeLabResources(runId).catch(() => undefined);
    await rm(labPaths(options.dir).root, { recursive: true, force: true });
    throw err;
  }
}

/**
 * The client and the mesh user's machine (when the lab has one) trust pebble's root (served
 * on its management port) and resolve with the lab's BIND.
 */
async function prepareClient(ctx: LabContext): Promise<void> {
  const t = ctx.topology;
  const pebble = addressOf(t, 'pebble', 'public');
  const root = await dockerExec(
    containerOf(ctx, 'pebble').id,
    `curl -fsS --cacert /etc/pebble/ca.pem https://${pebble}:15000/roots/0`,
  );
  if (root.rc !== 0) throw new IngressError('E_LAB', `cannot read pebble's root: ${root.stderr.trim()}`);
  const b64 = Buffer.from(root.stdout).toString('base64');
  const file = ctx.paths.clientPebbleRoot;
  const dns = addressOf(t, 'dns', 'public');
  const clients = ['client', ...(ctx.containers.has('meshclient') ? ['meshclient'] : [])];
  for (const client of clients) {
    const write = await dockerExec(
      containerOf(ctx, client).id,
      `mkdir -p $(dirname ${file}) && printf '%s' '${b64}' | base64 -d > ${file} && printf 'nameserver ${dns}\\n' > /etc/resolv.conf`,
    );
    if (write.rc !== 0)
      throw new IngressError('E_LAB', `cannot prepare the ${client}: ${write.stderr.trim()}`);
  }
}

/** Starts the health daemon where the stack installed it; names the nodes where it did not. */
async function startDaemons(ctx: LabContext, out: LabOut): Promise<void> {
  const cmd =
    'if systemctl cat ingress-daemon.service >/dev/null 2>&1; then systemctl enable --now ingress-daemon >/dev/null 2>&1 && echo started; else echo missing; fi';
  for (const node of FLEET_NODES) {
    const result = await dockerExec(containerOf(ctx, node).id, cmd);
    const said = result.stdout.trim();
    if (said === 'missing')
      out.stdout.write(`${node}: no ingress-daemon unit (the stack did not install it)\n`);
    else if (said !== 'started')
      out.stdout.write(`${node}: ingress-daemon failed to start: ${result.stderr}\n`);
  }
}

async function converge(options: LabUpOptions, out: LabOut): Promise<number> {
  const ctx = await loadLabContext(options.dir);
  await prepareClient(ctx);
  out.stdout.write(`ingress up -i ${ctx.paths.inventory}\n`);
  const result = await up({
    inventories: [ctx.paths.inventory],
    knownHostsFile: ctx.paths.knownHosts,
    out: out.stdout,
  });
  const flag = dirFlag(options.dir, options.cwd);
  if (result.exitCode !== 0) {
    out.stderr.write(
      `ingress up failed (stopped at ${result.stoppedAt ?? 'site'}); the lab stays up: look around with \`ingress lab exec${flag} proxy -- journalctl -n 50\`, retry with \`ingress lab up${flag}\`, remove it with \`ingress lab down${flag}\`\n`,
    );
    return result.exitCode;
  }
  await startDaemons(ctx, out);
  out.stdout.write(
    `waiting up to ${Math.round(options.healthTimeoutMs / 1000)} s for every path to be up...\n`,
  );
  const { healthy, observation } = await waitHealthy(ctx, options.healthTimeoutMs, options.now);
  out.stdout.write(`\nlab health:\n${formatSnapshot(observation.snapshot)}`);
  if (observation.noDaemon.length < FLEET_NODES.length)
    out.stdout.write(`\n${formatFleetTable(fleetRows(observation.fleet))}`);
  if (!healthy)
    out.stderr.write(`not every path came up:\n${unhealthyPaths(observation.snapshot).join('\n')}\n`);
  const commands = nextCommands(ctx.topology, flag, ctx.paths.clientPebbleRoot);
  out.stdout.write(`\nthe lab is up. Try:\n${commands.map((c) => `  ${c}\n`).join('')}`);
  return healthy ? 0 : 1;
}

/**
 * `ingress lab up`: a new lab when the folder has none (or only a broken one), else
 * the running lab healed and re-converged. Either way it ends with the status.
 */
export async function labUp(options: LabUpOptions, out: LabOut): Promise<number> {
  const api = await requireDocker();
  const existing = await readLabState(options.dir);
  let release = (): void => undefined;
  if (existing) {
    const containers = await labContainers(api, existing.runId);
    const complete = existing.phase === 'ready' && STACK_HOSTS.every((h) => containers.has(h));
    if (complete) {
      out.stdout.write(`lab ${existing.runId} found in ${labPaths(options.dir).root}: re-converging\n`);
      await healAll(await loadLabContext(options.dir), out);
    } else {
      out.stdout.write(`lab ${existing.runId} is incomplete: removing it and starting afresh\n`);
      await removeLabResources(existing.runId);
      await rm(labPaths(options.dir).root, { recursive: true, force: true });
    }
    if (!complete) release = await createLabFresh(options, out);
  } else release = await createLabFresh(options, out);
  try {
    return await converge(options, out);
  } finally {
    release();
  }
}
