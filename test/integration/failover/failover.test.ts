// Failover on the real lab topology after `ingress up`, with a client's load running through
// both ingress nodes over IPv4 and IPv6 during every step: what fails per family, for how long,
// and where traffic goes. Cutting a WAN network takes both of its relay servers (one per family).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadRun } from '../../../src/lab/load.js';
import type { StackLab } from '../../../src/lab/stack-lab.js';
import { address6Of, addressOf, INGRESS_NODES } from '../../../src/lab/topology.js';
import {
  allowSet,
  allowSet6,
  daemonStatus,
  digA,
  digAAAA,
  digTtlS,
  firewallView,
  must,
  pathTraffic,
  PATHS,
  reconnectWan,
  relayStatuses,
  sleep,
  waitFor,
  type PathName,
} from './failover-lab.js';
import {
  expectNoFailures,
  expectRecoveredWithin,
  FAMILIES,
  formatTable,
  stepRow,
  type StepRow,
} from './failover-table.js';
import { drained, startFailoverLab, underLoadOn } from './failover-setup.js';

let stack: StackLab;
const rows: StepRow[] = [];
/** Detection is fall 2 x inter 500 ms plus a 1 s connect timeout; the first good answer follows. */
const WAN_RECOVERY_MS = 10_000;

/** Every ingress node's relay servers as wanted; otherwise the statuses are the timeout's reason. */
const every = (want: Partial<Record<PathName, RegExp>>) => async () => {
  const statuses = await relayStatuses(stack);
  const ok = Object.values(statuses).every((s) =>
    Object.entries(want).every(([path, re]) => re.test(s[path as PathName])),
  );
  if (!ok) throw new Error(JSON.stringify(statuses));
  return statuses;
};

const underLoad = (durationMs: number, body: (load: LoadRun) => Promise<void>): Promise<void> =>
  underLoadOn(stack, durationMs, body);

beforeAll(async () => {
  stack = await startFailoverLab(241);
}, 1_200_000);

afterAll(async () => {
  console.log(`\nFailover under load (5 req/s per ingress node and family):\n${formatTable(rows)}\n`);
  await stack?.close();
});

describe('failover under a client load', { timeout: 120_000 }, () => {
  it('cut WAN 1: requests keep succeeding over WAN 2', async () => {
    await underLoad(30_000, async (load) => {
      const cutAt = Date.now();
      await stack.lab.disconnectNetwork(stack.hosts.proxy, 'wan1');
      const down = await waitFor(
        'wan1 and wan1-v6 DOWN everywhere',
        20_000,
        every({ wan1: /^DOWN/, 'wan1-v6': /^DOWN/, wan2: /^UP/, 'wan2-v6': /^UP/ }),
      );
      await sleep(2_000);
      const traffic = await pathTraffic(stack, 4_000);
      const row = stepRow(
        'cut WAN 1',
        await drained(load),
        cutAt,
        `DOWN after ${down.atMs - cutAt} ms; ${JSON.stringify(traffic)}`,
      );
      rows.push(row);
      expect(traffic).toMatchObject({ wan1: 0, 'wan1-v6': 0, mesh: 0 });
      expect(traffic.wan2).toBeGreaterThan(10);
      expect(traffic['wan2-v6']).toBeGreaterThan(10);
      expectRecoveredWithin(row, WAN_RECOVERY_MS);
      expectNoFailures(row);
    });
  });

  it('cut WAN 2 as well: requests go over Yggdrasil, the mesh server carries them', async () => {
    await underLoad(30_000, async (load) => {
      const cutAt = Date.now();
      await stack.lab.disconnectNetwork(stack.hosts.proxy, 'wan2');
      const down = await waitFor(
        'both WANs DOWN on both families, mesh UP',
        20_000,
        every({ wan1: /^DOWN/, wan2: /^DOWN/, 'wan1-v6': /^DOWN/, 'wan2-v6': /^DOWN/, mesh: /^UP/ }),
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
      expect(traffic).toMatchObject({ wan1: 0, wan2: 0, 'wan1-v6': 0, 'wan2-v6': 0 });
      expect(traffic.mesh).toBeGreaterThan(10);
      expectRecoveredWithin(row, WAN_RECOVERY_MS);
      expectNoFailures(row);
    });
  });

  it('restore both: traffic returns to the WANs and the mesh goes idle', async () => {
    await underLoad(30_000, async (load) => {
      const at = Date.now();
      await reconnectWan(stack, 'wan1');
      await reconnectWan(stack, 'wan2');
      const allUp = Object.fromEntries(PATHS.map((p) => [p, /^UP/]));
      const back = await waitFor('every WAN server UP on both families', 30_000, every(allUp));
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
      for (const wan of ['wan1', 'wan2', 'wan1-v6', 'wan2-v6'] as const)
        expect(traffic[wan], wan).toBeGreaterThan(5);
      expectNoFailures(row);
    });
  });

  it('stop ingress-1: its A and AAAA leave DNS within 30 s and return after it starts', async () => {
    const node = stack.hosts['ingress-1'];
    const t = stack.topology;
    const name = t.serviceDomain;
    const records = [
      { type: 'A', ip: addressOf(t, 'ingress-1', 'public'), dig: digA },
      { type: 'AAAA', ip: address6Of(t, 'ingress-1', 'public'), dig: digAAAA },
    ] as const;
    for (const r of records) expect(await r.dig(stack, name), r.type).toContain(r.ip);
    // Measured, not thrown: the node must start again whatever DNS did.
    const follow = (present: boolean, timeoutMs: number) =>
      Promise.all(
        records.map((r) =>
          waitFor(`${r.ip} ${present ? 'back in' : 'out of'} ${name} ${r.type}`, timeoutMs, async () =>
            (await r.dig(stack, name)).includes(r.ip) === present ? true : undefined,
          ).catch((e: Error) => e),
        ),
      );
    await underLoad(110_000, async (load) => {
      const stopAt = Date.now();
      await node.stop();
      const gone = await follow(false, 30_000);
      const startAt = Date.now();
      await node.start();
      const served = await waitFor('requests through ingress-1 again on both families', 60_000, async () => {
        const ok = (await load.samples()).filter((s) => s.node === 'ingress-1' && s.ok && s.atMs > startAt);
        return FAMILIES.every((f) => ok.some((s) => s.family === f)) ? true : undefined;
      });
      const back = await follow(true, 60_000);
      const samples = await drained(load);
      const ms = (r: { atMs: number } | Error, from: number) =>
        r instanceof Error ? 'never' : `${r.atMs - from} ms`;
      const timings = (results: ({ atMs: number } | Error)[], from: number) =>
        records.map((r, i) => `${r.type} ${ms(results[i] as { atMs: number } | Error, from)}`).join(', ');
      const note = `DNS out after ${timings(gone, stopAt)}; back ${timings(back, startAt)} after start; serving ${served.atMs - startAt} ms after start`;
      // Its recovery counts from its start: it was down on purpose until then.
      rows.push(stepRow('stop ingress-1', samples, stopAt, note, startAt));
      // Requests pinned to the stopped node fail; the other node must not lose one, on either family.
      expect(samples.filter((s) => s.node === 'ingress-2' && s.atMs >= stopAt && !s.ok)).toEqual([]);
      for (const f of FAMILIES)
        expect(samples.some((s) => s.node === 'ingress-2' && s.family === f && s.atMs >= stopAt)).toBe(true);
      for (const result of [...gone, ...back]) if (result instanceof Error) throw result;
    });
  }, 240_000);

  it("an ingress node's addresses change in DNS: the proxy's allow-sets follow within the TTL", async () => {
    const t = stack.topology;
    const firewall = await firewallView(stack);
    const name = firewall.ingressNames[0] as string;
    const bound = firewall.followBoundMs;
    const wans = ['wan1', 'wan2'] as const;
    // Each set holds the ingress nodes' egress addresses of its family, from their A and AAAA records.
    const before4 = INGRESS_NODES.flatMap((n) => wans.map((w) => addressOf(t, n, w))).sort();
    const before6 = INGRESS_NODES.flatMap((n) => wans.map((w) => address6Of(t, n, w))).sort();
    expect(await allowSet(stack)).toEqual(before4);
    expect(await allowSet6(stack)).toEqual(before6);
    const added = { A: `10.${t.base}.2.99`, AAAA: `fd1e:${t.base}:2::99` };
    const holds = async (present: boolean) => {
      const [v4, v6] = [await allowSet(stack), await allowSet6(stack)];
      return v4.includes(added.A) === present && v6.includes(added.AAAA) === present ? true : undefined;
    };
    const dns = addressOf(t, 'dns', 'public');
    const nsupdate = (verb: 'add' | 'delete') => {
      const ttl = verb === 'add' ? ' 5' : '';
      const lines = (['A', 'AAAA'] as const).map(
        (type) => `update ${verb} ${name}${ttl} ${type} ${added[type]}`,
      );
      return must(
        stack,
        'client',
        `nsupdate -k /root/tsig.key <<'EOF'\nserver ${dns}\nzone ${t.zone}\n${lines.join('\n')}\nsend\nEOF`,
      );
    };
    await underLoad(90_000, async (load) => {
      const oldTtl = await digTtlS(stack, name);
      const at = Date.now();
      await nsupdate('add');
      const joined = await waitFor('the new addresses allowed', bound(oldTtl), () => holds(true));
      const leftAt = Date.now();
      await nsupdate('delete');
      const left = await waitFor('the old addresses dropped', bound(5), () => holds(false));
      const note = `${name}: ${added.A} and ${added.AAAA} allowed ${joined.atMs - at} ms after the update (TTL was ${oldTtl} s), dropped ${left.atMs - leftAt} ms after`;
      const row = stepRow('address change in DNS', await drained(load), at, note);
      rows.push(row);
      expect(await allowSet(stack)).toEqual(before4);
      expect(await allowSet6(stack)).toEqual(before6);
      expectNoFailures(row);
    });
  }, 240_000);

  it('stop the DNS server: nothing flaps, HAProxy servers stay UP, the allow-sets are kept', async () => {
    const hosts = [...INGRESS_NODES, 'proxy'] as const;
    const setsBefore = [await allowSet(stack), await allowSet6(stack)];
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
        const setsAfter = [await allowSet(stack), await allowSet6(stack)];
        const row = stepRow('stop DNS', await drained(load), at, `allow-sets ${setsAfter.flat().join(',')}`);
        rows.push(row);
        const allUp = Object.fromEntries(PATHS.map((p) => [p, 'UP']));
        for (const node of INGRESS_NODES) expect(statuses[node]).toEqual(allUp);
        expect(setsAfter).toEqual(setsBefore);
        expectNoFailures(row);
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
