// Brownouts on the real lab after `ingress up`: a share of the packets arriving at the local
// proxy on a WAN is dropped (nftables, `ingress lab degrade`'s code) under a client load through
// both ingress nodes; the daemons must steer HAProxy's weights off the lossy WAN before users feel it.
// The loss is on the proxy's interface, so both of the WAN's relay servers (IPv4 and IPv6) suffer it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServersState } from '../../../src/haproxy/parse.js';
import { degradeLink, healLink, LOSSY_NETWORK, type LossyPart } from '../../../src/lab/link-loss.js';
import type { LoadSample } from '../../../src/lab/load.js';
import type { StackLab } from '../../../src/lab/stack-lab.js';
import { addressOf, INGRESS_NODES } from '../../../src/lab/topology.js';
import { daemonStatus, must, pathTraffic, sleep, waitFor, type PathName } from './failover-lab.js';
import { drained, startFailoverLab, underLoadOn } from './failover-setup.js';

let stack: StackLab;
const report: string[] = [];
/** From the loss starting to the window where users must not feel it (detection and two dwells, with slack). */
const SETTLE_MS = 15_000;
/**
 * The drain itself must come, and is reported: a path whose window reads its loss low at first
 * (3 lost of 20 probes at 30 % loss) is lowered in steps and may reach the floor a little after
 * SETTLE_MS, while the share it still takes is too small for users to feel (asserted from SETTLE_MS).
 */
const DRAIN_LIMIT_MS = SETTLE_MS + 10_000;
/** Measured after settling: long enough for ~200 requests at 5 req/s on each of two nodes. */
const MEASURE_MS = 20_000;
const HEALTHY_MS = 20_000;
const FULL = 100;
/** The relay servers of each WAN link: one per address family. */
const SERVERS: Record<'wan1' | 'wan2', readonly PathName[]> = {
  wan1: ['wan1', 'wan1-v6'],
  wan2: ['wan2', 'wan2-v6'],
};
type Wan = keyof typeof SERVERS;
/** Sessions a WAN link took, over both of its servers. */
const onWan = (traffic: Record<PathName, number>, wan: Wan): number =>
  SERVERS[wan].reduce((sum, server) => sum + traffic[server], 0);

function p95Ms(samples: readonly LoadSample[]): number {
  const sorted = samples.map((s) => s.durationMs).sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(sorted.length * 0.95) - 1)] ?? NaN;
}

const between = (samples: readonly LoadSample[], fromMs: number, toMs: number): LoadSample[] =>
  samples.filter((s) => s.atMs >= fromMs && s.atMs < toMs);

/** What HAProxy holds now: the weight of each WAN server in both relay backends, per ingress node. */
async function haproxyWeights(): Promise<Record<string, Record<string, number>>> {
  const out: Record<string, Record<string, number>> = {};
  for (const node of INGRESS_NODES) {
    const rows = parseServersState(
      await must(stack, node, '/usr/local/lib/ingress/haproxy-cmd "show servers state"'),
    );
    out[node] = Object.fromEntries(
      rows.filter((r) => r.server !== 'mesh').map((r) => [`${r.backend}/${r.server}`, r.weight]),
    );
  }
  return out;
}

/**
 * Whether HAProxy on every ingress node keeps new connections off a WAN's servers (both families)
 * in both relay backends: steered to the floor weight, or drained because the daemon holds the
 * path down (a lossy path also flaps), or DOWN by HAProxy's own checks.
 */
async function offEverywhere(wan: Wan): Promise<boolean> {
  for (const node of INGRESS_NODES) {
    const rows = parseServersState(
      await must(stack, node, '/usr/local/lib/ingress/haproxy-cmd "show servers state"'),
    ).filter((r) => SERVERS[wan].includes(r.server as PathName));
    if (rows.length !== 4 || !rows.every((r) => r.weight <= 1 || r.admin !== 'ready' || !r.operational))
      return false;
  }
  return true;
}

/** Each ingress daemon's steering weight of each of a WAN's paths (both families), from its /status. */
async function daemonWeights(wan: Wan): Promise<number[]> {
  const weights: number[] = [];
  for (const node of INGRESS_NODES) {
    const { paths } = await daemonStatus(stack, node);
    for (const server of SERVERS[wan]) weights.push(paths.find((p) => p.name === server)?.weight ?? NaN);
  }
  return weights;
}

/** The paths of a WAN that a node's daemon holds up at full weight. */
async function fullPathsOn(node: (typeof INGRESS_NODES)[number], wan: Wan): Promise<string[]> {
  const { paths } = await daemonStatus(stack, node);
  return paths
    .filter((p) => SERVERS[wan].includes(p.name as PathName) && p.state === 'up' && p.weight === FULL)
    .map((p) => p.name);
}

/** How often each ingress daemon said it probes at which interval and why, read every 2 s for `forMs`. */
async function probingWhile(forMs: number): Promise<Record<string, Record<string, number>>> {
  const seen: Record<string, Record<string, number>> = {};
  for (const until = Date.now() + forMs; Date.now() < until; await sleep(2000)) {
    for (const node of INGRESS_NODES) {
      const { probing } = await daemonStatus(stack, node);
      const every = probing ? `${probing.every}${probing.reason ? ` (${probing.reason})` : ''}` : 'none';
      const counts = (seen[node] ??= {});
      counts[every] = (counts[every] ?? 0) + 1;
    }
  }
  return seen;
}

const degrade = (part: LossyPart, percent: number): Promise<string> =>
  degradeLink(stack.hosts.proxy, part, addressOf(stack.topology, 'proxy', LOSSY_NETWORK[part]), percent);

/** The daemons' timeline entries since a time, weight decisions only unless `all`. */
async function weightTimeline(since: number, all = false): Promise<string[]> {
  const lines: string[] = [];
  for (const node of INGRESS_NODES) {
    const { timeline } = await daemonStatus(stack, node);
    const wanted = (subject: string): boolean => all || subject.startsWith('weight ');
    for (const t of timeline.filter((e) => wanted(e.subject) && Date.parse(e.at) >= since))
      lines.push(`${node} ${t.at.slice(11, 23)} ${t.subject} ${t.from}->${t.to}: ${t.reason}`);
  }
  return lines;
}

beforeAll(async () => {
  stack = await startFailoverLab(243);
}, 1_200_000);

afterAll(async () => {
  console.log(`\nBrownouts under load (5 req/s per ingress node and family):\n${report.join('\n')}\n`);
  if (stack) {
    for (const part of ['wan1', 'wan2'] as const) await healLink(stack.hosts.proxy, part).catch(() => false);
    await stack.close();
  }
});

describe('brownouts: a lossy WAN is steered off before users feel it', { timeout: 240_000 }, () => {
  let healthyP95 = 0;

  it('30 % loss on WAN 1: after the settling time no request fails and p95 stays within 3x healthy', async () => {
    await underLoadOn(stack, 60_000 + HEALTHY_MS + DRAIN_LIMIT_MS + MEASURE_MS + 5_000, async (load) => {
      // Whatever the daemons did while the freshly started lab settled, both WANs are at full weight first.
      await waitFor('both WANs at full weight on both families', 60_000, async () =>
        [...(await daemonWeights('wan1')), ...(await daemonWeights('wan2'))].every((w) => w === FULL)
          ? true
          : undefined,
      );
      const startedAt = Date.now();
      const calm = await probingWhile(HEALTHY_MS);
      report.push(`healthy: ${JSON.stringify(calm)}`);
      // HAProxy's checks read clean: each daemon probes at the quiet interval (probe-pace.ts).
      for (const node of INGRESS_NODES) expect(Object.keys(calm[node] ?? {})).toContain('quiet interval');
      expect(await daemonWeights('wan1')).toEqual([FULL, FULL, FULL, FULL]);
      expect(await weightTimeline(startedAt), 'no weight changes on a healthy lab').toEqual([]);
      const lossAt = Date.now();
      await degrade('wan1', 30);
      const drainedAt = await waitFor('wan1 off on both nodes', DRAIN_LIMIT_MS, async () =>
        (await offEverywhere('wan1')) ? true : undefined,
      ).catch(async (err: Error) => {
        throw new Error(`${err.message}\n${(await weightTimeline(lossAt, true)).join('\n')}`);
      });
      // A steered path keeps every daemon probing at the full interval.
      for (const node of INGRESS_NODES)
        expect((await daemonStatus(stack, node)).probing).toMatchObject({ every: 'interval' });
      await sleep(Math.max(0, lossAt + SETTLE_MS - Date.now()));
      const traffic = await pathTraffic(stack, MEASURE_MS);
      const samples = await drained(load);
      const healthy = between(samples, startedAt + 2_000, lossAt);
      const degraded = between(samples, lossAt + SETTLE_MS, Number.MAX_SAFE_INTEGER);
      healthyP95 = p95Ms(healthy);
      const degradedP95 = p95Ms(degraded);
      const off = await offEverywhere('wan1');
      const weights = await haproxyWeights();
      report.push(
        `healthy: p95 ${healthyP95} ms over ${healthy.length} requests`,
        `30 % loss on wan1: off on both nodes ${drainedAt.atMs - lossAt} ms after the loss began; ` +
          `settling time ${SETTLE_MS} ms; then p95 ${degradedP95} ms over ${degraded.length} requests ` +
          `(${(degradedP95 / healthyP95).toFixed(2)}x), ${degraded.filter((s) => !s.ok).length} failed; ` +
          `sessions ${JSON.stringify(traffic)}`,
        ...(await weightTimeline(lossAt, true)),
      );
      expect(degraded.length).toBeGreaterThan(100);
      expect(degraded.filter((s) => !s.ok)).toEqual([]);
      expect(degradedP95).toBeLessThanOrEqual(3 * healthyP95);
      expect(off, JSON.stringify(weights)).toBe(true);
      for (const node of INGRESS_NODES)
        for (const server of SERVERS.wan2) {
          expect(weights[node]?.[`to_proxy_https/${server}`]).toBe(FULL);
          expect(weights[node]?.[`to_proxy_http/${server}`]).toBe(FULL);
        }
      expect(traffic.mesh).toBe(0);
      expect(onWan(traffic, 'wan2')).toBeGreaterThan(onWan(traffic, 'wan1') * 10);
    });
  }, 300_000);

  it('healing WAN 1 brings both its paths back, step by step, with the reasons in the timeline', async () => {
    // On its own feet: WAN 1 lossy and steered down first (as the previous step leaves it).
    await degrade('wan1', 30);
    await waitFor('wan1 and wan1-v6 steered to the floor on both nodes', 90_000, async () =>
      (await daemonWeights('wan1')).every((w) => w <= 1) ? true : undefined,
    );
    const healAt = Date.now();
    expect(await healLink(stack.hosts.proxy, 'wan1')).toBe(true);
    const back = await waitFor('wan1 and wan1-v6 at full weight on both nodes', 120_000, async () =>
      (await daemonWeights('wan1')).every((w) => w === FULL) ? true : undefined,
    );
    const steps = await weightTimeline(healAt);
    report.push(`heal wan1: full weight on both nodes after ${back.atMs - healAt} ms`, ...steps);
    for (const node of INGRESS_NODES)
      for (const server of SERVERS.wan1) {
        const rising = (l: string): boolean => {
          const [, name, from, to] = / weight (\S+) (\d+)->(\d+):/.exec(l) ?? [];
          return name === server && Number(to) > Number(from);
        };
        const climbs = steps.filter((l) => l.startsWith(`${node} `) && rising(l));
        // Gradual: more than one step from the floor to full.
        expect(climbs.length, `${node} ${server}:\n${climbs.join('\n')}`).toBeGreaterThanOrEqual(2);
        expect(
          climbs.every((l) => /recover below/.test(l)),
          climbs.join('\n'),
        ).toBe(true);
      }
    const weights = await haproxyWeights();
    for (const node of INGRESS_NODES)
      for (const server of SERVERS.wan1) expect(weights[node]?.[`to_proxy_https/${server}`]).toBe(FULL);
  }, 300_000);

  it('loss on both WANs keeps the traffic on the better WAN and off the mesh', async () => {
    await underLoadOn(stack, SETTLE_MS + MEASURE_MS + 5_000, async (load) => {
      const lossAt = Date.now();
      await degrade('wan1', 30);
      await degrade('wan2', 5);
      try {
        await sleep(SETTLE_MS);
        const traffic = await pathTraffic(stack, MEASURE_MS);
        const samples = between(await drained(load), lossAt + SETTLE_MS, Number.MAX_SAFE_INTEGER);
        const [wan1, wan2] = [await daemonWeights('wan1'), await daemonWeights('wan2')];
        report.push(
          `30 % loss on wan1 and 5 % on wan2: weights wan1 ${wan1.join('/')} wan2 ${wan2.join('/')}; ` +
            `p95 ${p95Ms(samples)} ms over ${samples.length} requests, ${samples.filter((s) => !s.ok).length} failed; ` +
            `sessions ${JSON.stringify(traffic)}`,
          ...(await weightTimeline(lossAt, true)),
        );
        expect(traffic.mesh).toBe(0);
        expect(onWan(traffic, 'wan2')).toBeGreaterThan(onWan(traffic, 'wan1') * 10);
        // WAN 1 is off in HAProxy on both nodes, and on each node a path of WAN 2 is up at full
        // weight. Not every one of them: at 5 % loss chance may lower one of WAN 2's families
        // against the other (3 lost of 20 probes against 1), or take it down, which moves its
        // share to the other family of the same WAN.
        expect(await offEverywhere('wan1'), JSON.stringify(await haproxyWeights())).toBe(true);
        for (const node of INGRESS_NODES) expect(await fullPathsOn(node, 'wan2'), node).not.toEqual([]);
        expect(samples.filter((s) => !s.ok)).toEqual([]);
      } finally {
        await healLink(stack.hosts.proxy, 'wan1');
        await healLink(stack.hosts.proxy, 'wan2');
      }
    });
  }, 300_000);
});
