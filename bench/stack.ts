// The sections that need the whole stack: one lab, brought up by `ingress up` (its first and
// no-op runs are the provisioning figures), then footprint, the mTLS hop, and failover with DNS,
// ours first and then the HAProxy-defaults baseline (which reconfigures the lab, so it goes last).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { putFile } from '../src/lab/stack-services.js';
import { startStackLab, type StackLab } from '../src/lab/stack-lab.js';
import { INGRESS_NODES } from '../src/lab/topology.js';
import { must, relayStatuses, waitFor } from '../test/integration/failover/failover-lab.js';
import type { Section } from './lib/args.js';
import { failoverCycle, STEPS, type Cycle } from './failover.js';
import { benchFootprint } from './footprint.js';
import { benchHop } from './hop.js';
import { INGRESS_BIN } from './lib/prereq.js';
import { figure, type Figure, type TimelineVariant } from './lib/results.js';
import { median } from './lib/stats.js';
import { mustSucceed, timedRun } from './lib/timed.js';

/** HAProxy's own defaults (inter 2 s, fall 3, rise 2, check timeout = inter) and a usual 5 s connect timeout. */
export const HAPROXY_DEFAULT_CHECKS =
  '# HAProxy defaults: inter 2s, fall 3, rise 2; timeout check defaults to inter.\n' +
  'ingress_checks:\n  inter_ms: 2000\n  fall: 3\n  rise: 2\n  timeout_connect_ms: 5000\n  timeout_check_ms: 2000\n';

const up = (stack: StackLab) =>
  timedRun(process.execPath, [
    INGRESS_BIN,
    'up',
    '-i',
    stack.inventoryDir,
    '--known-hosts',
    stack.lab.knownHostsFile,
  ]);

async function ready(stack: StackLab): Promise<void> {
  await waitFor('every relay path UP', 120_000, async () => {
    const statuses = await relayStatuses(stack);
    if (Object.values(statuses).every((s) => Object.values(s).every((v) => v.startsWith('UP')))) return true;
    // Thrown, so a timeout says which paths were not UP.
    throw new Error(`last seen ${JSON.stringify(statuses)}`);
  });
}

/** The baseline: group_vars with HAProxy's default timings, `option redispatch` removed, no daemon. */
async function toBaseline(stack: StackLab): Promise<void> {
  await writeFile(join(stack.inventoryDir, 'group_vars/ingress.yml'), HAPROXY_DEFAULT_CHECKS);
  mustSucceed('ingress up with HAProxy default timings', await up(stack));
  for (const node of INGRESS_NODES)
    await must(
      stack,
      node,
      "sed -i '/option redispatch/d' /etc/haproxy/haproxy.cfg && haproxy -c -q -f /etc/haproxy/haproxy.cfg && systemctl reload haproxy",
    );
  for (const host of [...INGRESS_NODES, 'proxy'] as const)
    await must(stack, host, 'systemctl stop ingress-daemon');
  await ready(stack);
}

function failoverFigures(ours: Cycle[], base: Cycle[]): Figure[] {
  const section = 'failover';
  const figures: Figure[] = [];
  const baseName = 'HAProxy defaults, no redispatch';
  for (const step of STEPS) {
    const recovery = (cs: Cycle[]) => cs.map((c) => (c.steps[step].recoveryMs ?? Number.NaN) / 1000);
    const failed = (cs: Cycle[]) => cs.map((c) => c.steps[step].failed);
    const total = ours.map((c) => c.steps[step].total).join('/');
    const why = (cs: Cycle[]) => JSON.stringify(cs.map((c) => c.steps[step].reasons));
    figures.push(
      figure({ section, name: `${step}: time to recover`, unit: 's', better: 'lower' }, recovery(ours), {
        name: baseName,
        values: recovery(base),
      }),
      figure(
        {
          section,
          name: `${step}: failed requests`,
          unit: '',
          better: 'lower',
          note: `of ${total} requests; ours ${why(ours)}; baseline ${why(base)}`,
        },
        failed(ours),
        { name: baseName, values: failed(base) },
      ),
    );
  }
  return figures;
}

function dnsFigures(ours: Cycle[]): Figure[] {
  const section = 'dns';
  const ttl = ours.map((c) => c.ttlS);
  const secs = (v: number | null) => (v === null ? Number.NaN : v / 1000);
  const note = 'baseline: the records’ TTL, how long a resolver may keep the old answer anyway';
  return [
    figure(
      {
        section,
        name: 'ingress-1 stopped → its A record leaves the DNS server',
        unit: 's',
        better: 'lower',
        note,
      },
      ours.map((c) => secs(c.dnsOutMs)),
      { name: 'TTL', values: ttl },
    ),
    figure(
      { section, name: 'ingress-1 started → its A record is back', unit: 's', better: 'lower', note },
      ours.map((c) => secs(c.dnsBackMs)),
      { name: 'TTL', values: ttl },
    ),
  ];
}

type Report = (figures: Figure[], timeline?: TimelineVariant[]) => Promise<void>;
type Log = (line: string) => void;

/** The first `ingress up` on bare nodes, then the client trusts pebble's root and the lab is ready. */
async function firstUp(stack: StackLab, log: Log): Promise<number> {
  log('stack: first ingress up on bare nodes');
  const first = mustSucceed('first ingress up', await up(stack));
  log(`stack: first ingress up ${(first.ms / 1000).toFixed(1)} s`);
  const root = await must(
    stack,
    'pebble',
    `curl -fsS --cacert /etc/pebble/ca.pem https://${stack.topology.addresses.pebble.public}:15000/roots/0`,
  );
  await putFile(stack.hosts.client, '/tmp/pebble-root.pem', `${root}\n`);
  await ready(stack);
  return first.ms / 1000;
}

async function provisioningFigures(
  stack: StackLab,
  firstS: number,
  runs: number,
  log: Log,
): Promise<Figure[]> {
  const noop: number[] = [];
  for (let r = 0; r < runs; r++) noop.push(mustSucceed('no-op ingress up', await up(stack)).ms / 1000);
  log(`stack: no-op ingress up ${noop.map((s) => s.toFixed(1)).join(', ')} s`);
  const section = 'provisioning';
  return [
    figure(
      {
        section,
        name: 'ingress up on the lab (2 ingress nodes, 1 local proxy), first run',
        unit: 's',
        better: 'lower',
        note: 'one run: a first run needs bare nodes',
      },
      [firstS],
    ),
    figure({ section, name: 'ingress up on the lab, no-op run', unit: 's', better: 'lower' }, noop, {
      name: 'its first run',
      values: [firstS],
    }),
  ];
}

/** Failover cycles as set up, then (for the failover section) on the baseline configuration. */
async function failoverSections(
  stack: StackLab,
  sections: readonly Section[],
  runs: number,
  log: Log,
  report: Report,
): Promise<void> {
  const ours: Cycle[] = [];
  for (let r = 0; r < runs; r++) {
    ours.push(await failoverCycle(stack, 'ingress (as set up)', true));
    log(`failover: ours, run ${r + 1} done`);
    await ready(stack);
  }
  if (sections.includes('dns')) await report(dnsFigures(ours));
  if (!sections.includes('failover')) return;
  log('failover: switching the lab to the baseline');
  await toBaseline(stack);
  const base: Cycle[] = [];
  for (let r = 0; r < runs; r++) {
    const downMs = median(ours.map((c) => c.downMs));
    base.push(await failoverCycle(stack, 'HAProxy defaults, no redispatch', false, downMs));
    log(`failover: baseline, run ${r + 1} done`);
    await ready(stack);
  }
  await report(failoverFigures(ours, base), [
    (ours.at(-1) as Cycle).timeline,
    (base.at(-1) as Cycle).timeline,
  ]);
}

/** Reports each section's figures as soon as they are measured. */
export async function benchStack(
  sections: readonly Section[],
  opts: { runs: number; footprintS: number; base?: number },
  log: Log,
  report: Report,
): Promise<void> {
  const stack = await startStackLab({ base: opts.base ?? 229 });
  try {
    const firstS = await firstUp(stack, log);
    if (sections.includes('provisioning'))
      await report(await provisioningFigures(stack, firstS, opts.runs, log));
    if (sections.includes('footprint')) {
      log(`stack: sampling the daemon for ${opts.footprintS} s`);
      await report(await benchFootprint(stack.hosts['ingress-1'], opts.footprintS));
    }
    if (sections.includes('hop')) await report(await benchHop(stack, opts.runs, log));
    if (sections.includes('failover') || sections.includes('dns'))
      await failoverSections(stack, sections, opts.runs, log, report);
  } finally {
    await stack.close();
  }
}
