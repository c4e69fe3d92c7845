import { rm } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { IngressError } from '../errors.js';
import { fleetRows, formatFleetTable } from '../metrics/fleet.js';
import { removeLabResources } from './docker.js';
import { dirFlag, formatLabStatus, labStatusDoc } from './lab-cli-info.js';
import type { LabPart } from './lab-cli-parts.js';
import { LAB_PARTS, parseLabNode, partAction } from './lab-cli-parts.js';
import { containerOf, loadLabContext, observe, waitSettled, type LabContext } from './lab-cli-observe.js';
import { healLoss } from './lab-cli-degrade.js';
import { diffSnapshots, formatSnapshot } from './lab-cli-snapshot.js';
import {
  dockerNetworkName,
  execStreaming,
  labContainers,
  labNetworkNames,
  requireDocker,
  setNetwork,
  setRunning,
} from './lab-cli-docker.js';
import { labPaths, readLabState } from './lab-state.js';
import { address6Of, addressOf } from './topology.js';
import { waitForSsh } from './wait-ssh.js';

export interface LabOut {
  stdout: Writable;
  stderr: Writable;
}

/** Cuts (broken) or restores one part; false when it already was that way. */
export async function setPart(ctx: LabContext, part: LabPart, broken: boolean): Promise<boolean> {
  const action = partAction(part);
  const container = containerOf(ctx, action.host);
  if (action.kind === 'network') {
    const name = dockerNetworkName(ctx.state.runId, action.network);
    const ipv4 = addressOf(ctx.topology, action.host, action.network);
    const ipv6 = address6Of(ctx.topology, action.host, action.network);
    return setNetwork(ctx.api, container, name, !broken, { ipv4, ipv6 });
  }
  const changed = await setRunning(ctx.api, container, !broken);
  // A restarted node is only back once sshd answers (systemd boots first).
  if (changed && !broken) await waitForSsh(addressOf(ctx.topology, action.host, 'public'));
  return changed;
}

/** Restores every part (used before re-converging an existing lab). */
export async function healAll(ctx: LabContext, out: LabOut): Promise<void> {
  for (const part of LAB_PARTS) {
    if (await setPart(ctx, part, false)) out.stdout.write(`healed ${part}\n`);
    if (await healLoss(ctx, part)) out.stdout.write(`removed the packet loss on ${part}\n`);
    ctx.containers = await labContainers(ctx.api, ctx.state.runId);
  }
}

/** `ingress lab fail|heal PART`: change it, then show what the lab noticed. */
export async function labFailHeal(
  options: { dir: string; part: LabPart; broken: boolean; settleTimeoutMs: number },
  out: LabOut,
): Promise<number> {
  const ctx = await loadLabContext(options.dir);
  const verb = options.broken ? 'fail' : 'heal';
  const before = (await observe(ctx)).snapshot;
  const lossHealed = !options.broken && (await healLoss(ctx, options.part));
  if (!(await setPart(ctx, options.part, options.broken)) && !lossHealed) {
    out.stdout.write(`${options.part} is already ${options.broken ? 'failed' : 'healthy'}: nothing to do\n`);
    return 0;
  }
  const seconds = Math.round(options.settleTimeoutMs / 1000);
  out.stdout.write(`${verb} ${options.part}: done; watching the lab for up to ${seconds} s\n`);
  const { settled, observation } = await waitSettled(ctx, before, options.settleTimeoutMs);
  const changes = diffSnapshots(before, observation.snapshot);
  if (changes.length === 0) out.stdout.write(`nothing changed within ${seconds} s\n`);
  else out.stdout.write(`what changed:\n${changes.map((l) => `  ${l}\n`).join('')}`);
  if (!settled && changes.length > 0) out.stdout.write(`(still changing after ${seconds} s)\n`);
  return 0;
}

/** `ingress lab exec NODE -- COMMAND`: the command's exit code is the result. */
export async function labExec(dir: string, node: string, argv: string[], out: LabOut): Promise<number> {
  const host = parseLabNode(node);
  if (argv.length === 0)
    throw new IngressError('E_USAGE', 'give a command after --, e.g. `ingress lab exec client -- hostname`');
  const ctx = await loadLabContext(dir);
  const container = containerOf(ctx, host);
  if (!container.running)
    throw new IngressError('E_LAB', `${host} is stopped: start it with \`ingress lab heal ${host}\``);
  return execStreaming(ctx.api, container.id, argv, out);
}

/** `ingress lab status [--json]`. */
export async function labStatus(options: { dir: string; json: boolean; cwd: string }, out: LabOut) {
  const ctx = await loadLabContext(options.dir);
  const doc = labStatusDoc(ctx.state, ctx.topology, options.dir, ctx.containers);
  const observation = await observe(ctx);
  if (options.json) {
    out.stdout.write(`${JSON.stringify({ ...doc, health: observation.snapshot }, null, 2)}\n`);
    return 0;
  }
  out.stdout.write(formatLabStatus(doc));
  out.stdout.write(`\nhealth:\n${formatSnapshot(observation.snapshot)}`);
  if (observation.noDaemon.length < observation.fleet.length)
    out.stdout.write(`\n${formatFleetTable(fleetRows(observation.fleet))}`);
  const flag = dirFlag(options.dir, options.cwd);
  out.stdout.write(`\ncut a part with \`ingress lab fail${flag} ${LAB_PARTS.join('|')}\`\n`);
  return 0;
}

/** `ingress lab down`: every container and network labelled with the run, then the folder. */
export async function labDown(dir: string, out: LabOut): Promise<number> {
  const paths = labPaths(dir);
  const state = await readLabState(dir);
  if (!state) {
    out.stdout.write(`no lab in ${paths.root}: nothing to remove\n`);
    return 0;
  }
  const api = await requireDocker();
  const containers = (await labContainers(api, state.runId)).size;
  const networks = (await labNetworkNames(api, state.runId)).length;
  await removeLabResources(state.runId);
  await rm(paths.root, { recursive: true, force: true });
  out.stdout.write(
    `removed lab ${state.runId}: ${containers} containers, ${networks} networks, and ${paths.root}\n`,
  );
  return 0;
}
