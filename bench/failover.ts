// Failover under the client's load: cut WAN 1, cut WAN 2 too (mesh only), heal both, stop
// ingress-1 and start it again, in one cycle per run. The same cycle runs on the stack as
// `ingress up` sets it up, and on a baseline: HAProxy's default check timings, no redispatch,
// no health daemon (so nothing takes a dead node out of DNS).
import { summarizeLoad, type LoadRun, type LoadSample } from '../src/lab/load.js';
import type { StackLab } from '../src/lab/stack-lab.js';
import { addressOf, INGRESS_NODES } from '../src/lab/topology.js';
import {
  clientLoad,
  digA,
  digTtlS,
  relayStatuses,
  sleep,
  waitFor,
  type PathName,
  reconnectWan,
} from '../test/integration/failover/failover-lab.js';
import type { TimelineVariant } from './lib/results.js';

export const STEPS = ['cut WAN 1', 'cut both WANs (mesh)', 'heal both', 'stop ingress-1'] as const;
export type Step = (typeof STEPS)[number];

export interface StepMeasure {
  /** From the event until requests through every node succeed again; 0 when none failed. */
  recoveryMs: number | null;
  failed: number;
  total: number;
  /** Failures by node, then by error. */
  reasons: Record<string, Record<string, number>>;
}

export interface Cycle {
  steps: Record<Step, StepMeasure>;
  /** ingress-1's address out of DNS after its stop, and back after its start (null: not within the wait). */
  dnsOutMs: number | null;
  dnsBackMs: number | null;
  ttlS: number;
  /** How long ingress-1 was down. */
  downMs: number;
  timeline: TimelineVariant;
}

const everyRelay = (stack: StackLab, want: Partial<Record<PathName, RegExp>>) => async () => {
  const statuses = await relayStatuses(stack);
  const ok = Object.values(statuses).every((s) =>
    Object.entries(want).every(([path, re]) => re.test(s[path as PathName])),
  );
  return ok ? true : undefined;
};

/** Waits for a state but never throws: a baseline that never gets there is a result too. */
const settle = (what: string, ms: number, probe: () => Promise<true | undefined>) =>
  waitFor(what, ms, probe).then(
    (r) => r.atMs,
    () => null,
  );

/**
 * A step's requests are those that ended within it (a request in flight when the next event
 * hits fails because of that event); recovery is the first success after the step's last
 * failure, on every node, however long after the step that comes.
 */
export function measure(
  samples: readonly LoadSample[],
  fromMs: number,
  toMs: number,
  recoverFromMs = fromMs,
): StepMeasure {
  const endOf = (x: LoadSample): number => x.atMs + x.durationMs;
  const inside = samples.filter((x) => endOf(x) >= fromMs && endOf(x) < toMs);
  const failures = inside.filter((x) => !x.ok);
  const reasons = summarizeLoad(failures, 0, Number.MAX_SAFE_INTEGER).failures;
  let recovery: number | null = 0;
  for (const node of INGRESS_NODES) {
    const lastFail = failures.filter((x) => x.node === node).reduce((at, x) => Math.max(at, x.atMs), -1);
    if (lastFail < 0) continue;
    const back = samples.find((x) => x.node === node && x.ok && x.atMs > lastFail);
    if (!back || recovery === null) {
      recovery = null;
      continue;
    }
    recovery = Math.max(recovery, endOf(back) - recoverFromMs);
  }
  return { recoveryMs: recovery, failed: failures.length, total: inside.length, reasons };
}

/** The three WAN steps, each held `holdMs` once it settles; returns when each began. */
async function wanSteps(stack: StackLab, holdMs: number): Promise<number[]> {
  const at: number[] = [];
  at.push(Date.now());
  await stack.lab.disconnectNetwork(stack.hosts.proxy, 'wan1');
  await settle('wan1 DOWN', 30_000, everyRelay(stack, { wan1: /^DOWN/ }));
  await sleep(holdMs);
  at.push(Date.now());
  await stack.lab.disconnectNetwork(stack.hosts.proxy, 'wan2');
  await settle('both WANs DOWN', 30_000, everyRelay(stack, { wan1: /^DOWN/, wan2: /^DOWN/ }));
  await sleep(holdMs);
  at.push(Date.now());
  await reconnectWan(stack, 'wan1');
  await reconnectWan(stack, 'wan2');
  await settle(
    'both WANs UP',
    40_000,
    everyRelay(stack, { wan1: /^UP/, wan2: /^UP/, 'wan1-v6': /^UP/, 'wan2-v6': /^UP/ }),
  );
  await sleep(holdMs);
  return at;
}

/**
 * Stops ingress-1 until its record has left DNS (or for `downMs`), starts it, and waits for
 * requests through it and its record; a failure on the way starts it again.
 */
async function stopNodeStep(stack: StackLab, load: LoadRun, withDns: boolean, downMs: number) {
  const ip = addressOf(stack.topology, 'ingress-1', 'public');
  const domain = stack.topology.serviceDomain;
  const inDns = (want: boolean) => async () =>
    (await digA(stack, domain)).includes(ip) === want ? true : undefined;
  const node = stack.hosts['ingress-1'];
  let stopped = true;
  try {
    await node.stop();
    const outAt = withDns ? await settle(`${ip} out of DNS`, 45_000, inDns(false)) : null;
    if (!withDns) await sleep(downMs);
    const startAt = Date.now();
    await node.start();
    stopped = false;
    await settle('requests through ingress-1 again', 60_000, async () =>
      (await load.samples()).some((s) => s.node === 'ingress-1' && s.ok && s.atMs > startAt)
        ? true
        : undefined,
    );
    const backAt = withDns ? await settle(`${ip} back in DNS`, 60_000, inDns(true)) : null;
    return { outAt, startAt, backAt };
  } finally {
    if (stopped) await node.start();
  }
}

/**
 * One cycle of the four steps under load, with `holdMs` of steady traffic after each settles.
 * With DNS, ingress-1 stays down until its record has left; without, for `downMs` (give it
 * the DNS variant's time, so both lose a node for as long).
 */
export async function failoverCycle(
  stack: StackLab,
  name: string,
  withDns: boolean,
  downMs = 20_000,
): Promise<Cycle> {
  const ttlS = await digTtlS(stack, stack.topology.serviceDomain);
  const load = await clientLoad(stack, 240_000);
  const startMs = Date.now();
  try {
    await sleep(3_000);
    const at = await wanSteps(stack, 4_000);
    at.push(Date.now());
    const { outAt, startAt, backAt } = await stopNodeStep(stack, load, withDns, downMs);
    await sleep(2_000);
    await load.stop();
    const samples = await load.samples();
    const end = Number.MAX_SAFE_INTEGER;
    const [a, b, c, d] = at as [number, number, number, number];
    return {
      steps: {
        'cut WAN 1': measure(samples, a, b),
        'cut both WANs (mesh)': measure(samples, b, c),
        'heal both': measure(samples, c, d),
        // The node is down on purpose until its start: its recovery counts from there.
        'stop ingress-1': measure(samples, d, end, startAt),
      },
      dnsOutMs: outAt === null ? null : outAt - d,
      dnsBackMs: backAt === null ? null : backAt - startAt,
      ttlS,
      downMs: startAt - d,
      timeline: {
        name,
        points: samples.map((s) => ({ tMs: s.atMs - startMs, node: s.node, ok: s.ok })),
        events: [
          ...STEPS.map((label, i) => ({ tMs: (at[i] as number) - startMs, label })),
          { tMs: startAt - startMs, label: 'start ingress-1' },
        ],
      },
    };
  } finally {
    await load.stop();
    await reconnectWan(stack, 'wan1');
    await reconnectWan(stack, 'wan2');
  }
}
