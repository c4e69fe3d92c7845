// Bringing the failover suites' lab up, and running a step under a client load.
import { expect } from 'vitest';
import type { LoadRun, LoadSample } from '../../../src/lab/load.js';
import { putFile } from '../../../src/lab/stack-services.js';
import { startStackLab, type StackLab } from '../../../src/lab/stack-lab.js';
import { addressOf } from '../../../src/lab/topology.js';
import { runCli } from '../support/cli.js';
import { clientLoad, must, PATHS, recentDecisions, relayStatuses, waitFor } from './failover-lab.js';

/**
 * The full stack on the lab topology at 10.<base>.0.0/16: `ingress up` on bare nodes, the client
 * given pebble's root and the TSIG key, and every relay path UP.
 */
export async function startFailoverLab(base: number): Promise<StackLab> {
  const stack = await startStackLab({ base });
  try {
    return await prepareFailoverLab(stack);
  } catch (err) {
    // A lab whose set-up failed is nobody's to close: it would hold its address range.
    await stack.close();
    throw err;
  }
}

async function prepareFailoverLab(stack: StackLab): Promise<StackLab> {
  // A first run on bare nodes installs the stack's packages: give it the time a user would.
  const up = await runCli(['up', '-i', stack.inventoryDir, '--known-hosts', stack.lab.knownHostsFile], {
    timeoutMs: 900_000,
  });
  if (up.code !== 0)
    throw new Error(`ingress up failed (${up.code}):\n${up.stdout.slice(-3000)}\n${up.stderr}`);
  const pebble = addressOf(stack.topology, 'pebble', 'public');
  const root = await must(
    stack,
    'pebble',
    `curl -fsS --cacert /etc/pebble/ca.pem https://${pebble}:15000/roots/0`,
  );
  await putFile(stack.hosts.client, '/tmp/pebble-root.pem', `${root}\n`);
  const { tsig } = stack;
  const key = `key "${tsig.name}" { algorithm ${tsig.algorithm}; secret "${tsig.secretBase64}"; };\n`;
  await putFile(stack.hosts.client, '/root/tsig.key', key, '0600');
  await waitFor('every relay path UP', 60_000, async () => {
    const statuses = await relayStatuses(stack);
    return Object.values(statuses).every((s) => PATHS.every((p) => /^UP/.test(s[p]))) ? true : undefined;
  });
  return stack;
}

/** Runs a step under load: a baseline without failures, then the step's body. */
export async function underLoadOn(
  stack: StackLab,
  durationMs: number,
  body: (load: LoadRun) => Promise<void>,
): Promise<void> {
  const load = await clientLoad(stack, durationMs);
  try {
    // The load host may take a while to start Node on a busy machine.
    const { value: baseline } = await waitFor('a baseline of requests', 30_000, async () => {
      const samples = await load.samples();
      return samples.length >= 10 ? samples : undefined;
    }).catch(async (err: Error) => {
      const unit = await stack.hosts.client.exec(`journalctl -u ${load.unit} --no-pager | tail -20`);
      throw new Error(`${err.message}\n${unit.stdout}`);
    });
    const early = baseline.filter((s) => !s.ok);
    if (early.length > 0) {
      const why = `${JSON.stringify(await relayStatuses(stack))}\n${await recentDecisions(stack, load.startedAtMs - 60_000)}`;
      expect(early, `no failures before the event; relays and the last minute's decisions:\n${why}`).toEqual(
        [],
      );
    }
    await body(load);
  } finally {
    await load.stop();
  }
}

/** Every request of the run, each finished: the load stops and drains first. */
export async function drained(load: LoadRun): Promise<LoadSample[]> {
  await load.stop();
  return load.samples();
}
