// Issue 5's must-show, on the real lab topology after `ingress up`, with a client's load running
// through both ingress nodes during every step: what fails, for how long, and where traffic goes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadRun } from '../../../src/lab/load.js';
import type { StackLab } from '../../../src/lab/stack-lab.js';
import { addressOf, INGRESS_NODES } from '../../../src/lab/topology.js';
import {
  allowSet,
  daemonStatus,
  digA,
  digTtlS,
  firewallView,
  formatTable,
  must,
  pathTraffic,
  relayStatuses,
  sleep,
  stepRow,
  waitFor,
  type PathName,
  type StepRow,
} from './failover-lab.js';
import { drained, startFailoverLab, underLoadOn } from './failover-setup.js';

let stack: StackLab;
const rows: StepRow[] = [];
/** Detection is fall 2 x inter 500 ms plus a 1 s connect timeout; the first good answer follows. */
const WAN_RECOVERY_MS = 10_000;

const every = (want: Partial<Record<PathName, RegExp>>) => async () => {
  const statuses = await relayStatuses(stack);
  const ok = Object.values(statuses).every((s) =>
    Object.entries(want).every(([path, re]) => re.test(s[path as PathName])),
  );
  return ok ? statuses : undefined;
};

const underLoad = (durationMs: number, body: (load: LoadRun) => Promise<void>): Promise<void> =>
  underLoadOn(stack, durationMs, body);

async function reconnectWan(wan: 'wan1' | 'wan2'): Promise<void> {
  if (stack.hosts.proxy.addresses[wan] !== undefined) return;
  await stack.lab.connectNetwork(stack.hosts.proxy, wan, addressOf(stack.topology, 'proxy', wan));
}

beforeAll(async () => {
  stack = await startFailoverLab(241);
}, 1_200_000);

afterAll(async () => {
  console.log(`\nFailover under load (5 req/s per ingress node):\n${formatTable(rows)}\n`);
  await stack?.close();
});

describe('failover under a client load', { timeout: 120_000 }, () => {
  it('cut WAN 1: requests keep succeeding over WAN 2', async () => {
    await underLoad(30_000, async (load) => {
      const cutAt = Date.now();
      await stack.lab.disconnectNetwork(stack.hosts.proxy, 'wan1');
      const down = await waitFor('wan1 DOWN everywhere', 20_000, every({ wan1: /^DOWN/, wan2: /^UP/ }));
      await sleep(2_000);
      const traffic = await pathTraffic(stack, 4_000);
      const row = stepRow(
        'cut WAN 1',
        await drained(load),
        cutAt,
        `DOWN after ${down.atMs - cutAt} ms; ${JSON.stringify(traffic)}`,
      );
      rows.push(row);
      expect(traffic).toMatchObject({ wan1: 0, mesh: 0 });
      expect(traffic.wan2).toBeGreaterThan(10);
      expect(row.recoveryMs).not.toBeNull();
      expect(row.recoveryMs).toBeLessThan(WAN_RECOVERY_MS);
      expect(row.failed, row.note).toBe(0);
    });
  });

  it('cut WAN 2 as well: requests go over Yggdrasil, the mesh server carries them', async () => {
    await underLoad(30_000, async (load) => {
      const cutAt = Date.now();
      await stack.lab.disconnectNetwork(stack.hosts.proxy, 'wan2');
      const down = await waitFor(
        'both WANs DOWN, mesh UP',
        20_000,
        every({ wan1: /^DOWN/, wan2: /^DOWN/, mesh: /^UP/ }),
      );
      await sleep(2_000);
      const traffic = await pathTraffic(stack, 4_000);
      const row = stepRow(
        'cut WAN 2 too',
        await drained(load),
        cutAt,
        `DOWN after ${down.atMs - cutAt} ms; ${JSON.stringify(traffic)}`,
      );
      rows.push(row);
      expect(traffic).toMatchObject({ wan1: 0, wan2: 0 });
      expect(traffic.mesh).toBeGreaterThan(10);
      expect(row.recoveryMs).not.toBeNull();
      expect(row.recoveryMs).toBeLessThan(WAN_RECOVERY_MS);
      expect(row.failed, row.note).toBe(0);
    });
  });

  it('restore both: traffic returns to the WANs and the mesh goes idle', async () => {
    await underLoad(30_000, async (load) => {
      const at = Date.now();
      await reconnectWan('wan1');
      await reconnectWan('wan2');
      const back = await waitFor('both WANs UP', 30_000, every({ wan1: /^UP/, wan2: /^UP/, mesh: /^UP/ }));
      await sleep(1_000);
      const traffic = await pathTraffic(stack, 4_000);
      const row = stepRow(
        'restore both',
        await drained(load),
        at,
        `UP after ${back.atMs - at} ms; ${JSON.stringify(traffic)}`,
      );
      rows.push(row);
      expect(traffic.mesh).toBe(0);
      expect(traffic.wan1).toBeGreaterThan(5);
      expect(traffic.wan2).toBeGreaterThan(5);
      expect(row.failed, row.note).toBe(0);
    });
  });

  it('stop ingress-1: its address leaves DNS within 30 s and returns after it starts', async () => {
    const node = stack.hosts['ingress-1'];
    const ip = addressOf(stack.topology, 'ingress-1', 'public');
    const name = stack.topology.serviceDomain;
    expect(await digA(stack, name)).toContain(ip);
    const inDns = async (want: boolean) =>
      (await digA(stack, name)).includes(ip) === want ? true : undefined;
    await underLoad(110_000, async (load) => {
      const stopAt = Date.now();
      await node.stop();
      // Measured, not thrown: the node must start again whatever DNS did.
      const gone = await waitFor(`${ip} out of ${name}`, 30_000, () => inDns(false)).catch((e: Error) => e);
      const startAt = Date.now();
      await node.start();
      const served = await waitFor('requests through ingress-1 again', 60_000, async () =>
        (await load.samples()).some((s) => s.node === 'ingress-1' && s.ok && s.atMs > startAt)
          ? true
          : undefined,
      );
      const back = await waitFor(`${ip} back in ${name}`, 60_000, () => inDns(true)).catch((e: Error) => e);
      const samples = await drained(load);
      const ms = (r: { atMs: number } | Error, from: number) =>
        r instanceof Error ? 'never' : `${r.atMs - from} ms`;
      const note = `DNS out after ${ms(gone, stopAt)}, back ${ms(back, startAt)} after start; serving ${served.atMs - startAt} ms after start`;
      // Its recovery counts from its start: it was down on purpose until then.
      rows.push(stepRow('stop ingress-1', samples, stopAt, note, startAt));
      // Requests pinned to the stopped node fail; the other node must not lose one.
      expect(samples.filter((s) => s.node === 'ingress-2' && s.atMs >= stopAt && !s.ok)).toEqual([]);
      if (gone instanceof Error) throw gone;
      if (back instanceof Error) throw back;
    });
  }, 240_000);

  it("an ingress node's address changes in DNS: the proxy's allow-set follows within the TTL", async () => {
    const firewall = await firewallView(stack);
    const name = firewall.ingressNames[0] as string;
    const bound = firewall.followBoundMs;
    const before = await allowSet(stack);
    const added = `10.${stack.topology.base}.2.99`;
    const dns = addressOf(stack.topology, 'dns', 'public');
    const nsupdate = (line: string) =>
      must(
        stack,
        'client',
        `nsupdate -k /root/tsig.key <<'EOF'\nserver ${dns}\nzone ${stack.topology.zone}\n${line}\nsend\nEOF`,
      );
    await underLoad(90_000, async (load) => {
      const oldTtl = await digTtlS(stack, name);
      const at = Date.now();
      await nsupdate(`update add ${name} 5 A ${added}`);
      const joined = await waitFor('the new address allowed', bound(oldTtl), async () =>
        (await allowSet(stack)).includes(added) ? true : undefined,
      );
      const leftAt = Date.now();
      await nsupdate(`update delete ${name} A ${added}`);
      const left = await waitFor('the old address dropped', bound(5), async () =>
        (await allowSet(stack)).includes(added) ? undefined : true,
      );
      const note = `${name}: allowed ${joined.atMs - at} ms after the update (TTL was ${oldTtl} s), dropped ${left.atMs - leftAt} ms after`;
      const row = stepRow('address change in DNS', await drained(load), at, note);
      rows.push(row);
      expect(await allowSet(stack)).toEqual(before);
      expect(row.failed, row.note).toBe(0);
    });
  }, 240_000);

  it('stop the DNS server: nothing flaps, HAProxy servers stay UP, the allow-set is kept', async () => {
    const hosts = [...INGRESS_NODES, 'proxy'] as const;
    const setBefore = await allowSet(stack);
    // Long enough for every daemon to have read DNS again (and failed) at least once.
    const quietMs = (await firewallView(stack)).followBoundMs(
      await digTtlS(stack, stack.topology.serviceDomain),
    );
    await underLoad(quietMs + 10_000, async (load) => {
      const at = Date.now();
      await must(stack, 'dns', 'systemctl stop named');
      try {
        await sleep(quietMs);
        expect(await digA(stack, stack.topology.serviceDomain).catch(() => 'no answer')).toBe('no answer');
        const statuses = await relayStatuses(stack);
        const setAfter = await allowSet(stack);
        const row = stepRow('stop DNS', await drained(load), at, `allow-set ${setAfter.join(',')}`);
        rows.push(row);
        for (const node of INGRESS_NODES)
          expect(statuses[node]).toEqual({ wan1: 'UP', wan2: 'UP', mesh: 'UP' });
        expect(setAfter).toEqual(setBefore);
        expect(row.failed, row.note).toBe(0);
        const changes = [];
        for (const host of hosts) {
          const { timeline } = await daemonStatus(stack, host);
          changes.push(...timeline.filter((t) => Date.parse(t.at) >= at).map((t) => ({ host, ...t })));
        }
        expect(changes, "state changes in the daemons' timelines").toEqual([]);
      } finally {
        await must(stack, 'dns', 'systemctl start named');
      }
    });
  }, 180_000);
});
