// The health daemon as `ingress up` installs it (playbooks/files/ingress-daemon.service), restarted
// and stopped by systemd the way an operator or a changed config does: it goes within 2 s, and
// what it keeps in DNS and in the proxy's allow-set stays as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStackLab, type StackLab } from '../../../src/lab/stack-lab.js';
import { addressOf, INGRESS_NODES, type StackHostName } from '../../../src/lab/topology.js';
import { runCli } from '../support/cli.js';
import { allowSet, daemonStatus, digA, must, sleep, waitFor } from '../failover/failover-lab.js';

const UNIT = 'ingress-daemon';
let stack: StackLab;
const measured: string[] = [];

/** One value of `systemctl show`, as text. */
const prop = async (host: StackHostName, name: string): Promise<string> =>
  must(stack, host, `systemctl show -p ${name} --value ${UNIT}`);

interface StopCycle {
  oldPid: number;
  newPid: number;
  /** systemd's own clock: from the start of the stop to the unit being inactive (old process gone). */
  stopMs: number;
  /** What systemd logged about the unit during the cycle. */
  journal: string;
}

async function restartCycle(host: StackHostName, verb: 'restart' | 'stop'): Promise<StopCycle> {
  const oldPid = Number(await prop(host, 'MainPID'));
  const since = await must(stack, host, 'date +%s.%N');
  await must(stack, host, `systemctl ${verb} ${UNIT}`);
  const exitUs = Number(await prop(host, 'ActiveExitTimestampMonotonic'));
  const inactiveUs = Number(await prop(host, 'InactiveEnterTimestampMonotonic'));
  const journal = await must(
    stack,
    host,
    `journalctl -u ${UNIT} --since @${since} --no-pager -o cat | grep -v '^{' || true`,
  );
  const stopMs = (inactiveUs - exitUs) / 1000;
  measured.push(`${host} ${verb}: old process gone ${stopMs.toFixed(0)} ms after the stop began`);
  return { oldPid, newPid: Number(await prop(host, 'MainPID')), stopMs, journal };
}

const serving = (host: StackHostName) => async () =>
  (await daemonStatus(stack, host)).serving === true ? true : undefined;

beforeAll(async () => {
  stack = await startStackLab({ base: 227 });
  const up = await runCli(['up', '-i', stack.inventoryDir, '--known-hosts', stack.lab.knownHostsFile], {
    timeoutMs: 900_000,
  });
  if (up.code !== 0)
    throw new Error(`ingress up failed (${up.code}):\n${up.stdout.slice(-3000)}\n${up.stderr}`);
  const both = INGRESS_NODES.map((n) => addressOf(stack.topology, n, 'public')).sort();
  await waitFor('both ingress nodes published', 90_000, async () =>
    (await digA(stack, stack.topology.serviceDomain)).join() === both.join() ? true : undefined,
  );
  await waitFor('both ingress nodes allowed', 90_000, async () =>
    (await allowSet(stack)).length >= INGRESS_NODES.length ? true : undefined,
  );
}, 1_200_000);

afterAll(async () => {
  if (measured.length > 0) console.log(measured.join('\n'));
  await stack?.close();
});

describe('the daemon under systemd, as ingress up installs it', { timeout: 120_000 }, () => {
  it.each(['ingress-1', 'proxy'] as const)(
    '%s: systemctl restart ends the old process within 2 s and a new one serves',
    async (host) => {
      await waitFor(`${host} daemon serving`, 30_000, serving(host));
      const cycle = await restartCycle(host, 'restart');
      expect(cycle.oldPid).toBeGreaterThan(0);
      expect(cycle.newPid).toBeGreaterThan(0);
      expect(cycle.newPid).not.toBe(cycle.oldPid);
      expect(cycle.stopMs).toBeGreaterThan(0);
      expect(cycle.stopMs, cycle.journal).toBeLessThan(2_000);
      // It exited on SIGTERM by itself: systemd had no timeout to wait out and nothing to kill.
      expect(cycle.journal).not.toMatch(/timed out|SIGKILL|Killing process/i);
      expect((await must(stack, host, `kill -0 ${cycle.oldPid} 2>&1 || echo gone`)).trim()).toMatch(/gone$/);
      await waitFor(`${host} daemon serving again`, 30_000, serving(host));
    },
  );

  it('a stopped daemon leaves the DNS records and the allow-set as they were', async () => {
    const name = stack.topology.serviceDomain;
    const recordsBefore = await digA(stack, name);
    const setBefore = await allowSet(stack);
    const hosts = [...INGRESS_NODES, 'proxy'] as const;
    try {
      for (const host of hosts) {
        const cycle = await restartCycle(host, 'stop');
        expect(cycle.stopMs, `${host}: ${cycle.journal}`).toBeLessThan(2_000);
        expect(await prop(host, 'ActiveState')).toBe('inactive');
      }
      // Longer than a probe round and a DNS refresh: nothing the daemons did on the way out shows later.
      await sleep(5_000);
      expect(await digA(stack, name)).toEqual(recordsBefore);
      expect(await allowSet(stack)).toEqual(setBefore);
    } finally {
      for (const host of hosts) await must(stack, host, `systemctl start ${UNIT}`);
    }
    for (const host of hosts) await waitFor(`${host} daemon serving`, 30_000, serving(host));
    expect(await digA(stack, name)).toEqual(recordsBefore);
  });
});
