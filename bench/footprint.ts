// The health daemon's memory and CPU on an ingress node of the lab, sampled once a second,
// against, sampled alongside on the same node: an idle Node.js process (the runtime alone) for
// memory, and HAProxy's worker (its own checks probe the same paths) for CPU.
import type { LabHost } from '../src/lab/lab.js';
import { figure, type Figure } from './lib/results.js';
import { sleep } from '../src/time/sleep.js';

/** Prints "second pid rss_kb utime_ticks stime_ticks" for each pid every second, then the tick rate. */
const sampler = (pids: number[], seconds: number): string =>
  `for s in $(seq 0 ${seconds}); do for p in ${pids.join(' ')}; do ` +
  `echo "$s $p $(awk '/^VmRSS/{print $2}' /proc/$p/status) $(cut -d' ' -f14,15 /proc/$p/stat)"; done; ` +
  `[ $s -lt ${seconds} ] && sleep 1; done; echo "hz $(getconf CLK_TCK)"`;

export interface Sample {
  s: number;
  pid: number;
  rssKb: number;
  ticks: number;
}

export function parseSamples(text: string): { samples: Sample[]; hz: number } {
  let hz = 100;
  const samples: Sample[] = [];
  for (const line of text.trim().split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[0] === 'hz') hz = Number(f[1]);
    else if (f.length === 5)
      samples.push({
        s: Number(f[0]),
        pid: Number(f[1]),
        rssKb: Number(f[2]),
        ticks: Number(f[3]) + Number(f[4]),
      });
  }
  return { samples, hz };
}

/** CPU share of one core per window of `windowS` seconds, in percent. */
export function cpuWindows(samples: readonly Sample[], pid: number, hz: number, windowS: number): number[] {
  const mine = samples.filter((x) => x.pid === pid).sort((a, b) => a.s - b.s);
  const out: number[] = [];
  for (let i = 0; i + windowS < mine.length; i += windowS) {
    const a = mine[i] as Sample;
    const b = mine[i + windowS] as Sample;
    out.push(((b.ticks - a.ticks) / hz / (b.s - a.s)) * 100);
  }
  return out;
}

async function mustOut(host: LabHost, command: string): Promise<string> {
  const r = await host.exec(command);
  if (r.rc !== 0) throw new Error(`${host.name}: ${command}: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

/** Node's own flags on the daemon's command line (before the script), so the baseline runs the same runtime. */
export async function runtimeFlags(node: LabHost, pid: number): Promise<string[]> {
  const argv = (await mustOut(node, `tr '\\0' '\\n' < /proc/${pid}/cmdline`)).split('\n');
  const flags: string[] = [];
  for (const arg of argv.slice(1)) {
    if (!arg.startsWith('--')) break;
    if (!/^--[a-z0-9-]+(=[A-Za-z0-9._-]+)?$/.test(arg))
      throw new Error(`${node.name}: unexpected node flag ${arg}`);
    flags.push(arg);
  }
  return flags;
}

export async function benchFootprint(node: LabHost, seconds: number): Promise<Figure[]> {
  const daemon = Number(await mustOut(node, 'systemctl show -p MainPID --value ingress-daemon'));
  if (!(daemon > 0)) throw new Error(`${node.name}: ingress-daemon is not running`);
  const flags = await runtimeFlags(node, daemon);
  await mustOut(
    node,
    `systemd-run --unit=bench-idle-node --collect /usr/bin/node ${flags.join(' ')} -e 'setInterval(() => {}, 1000)'`,
  );
  try {
    await sleep(3_000);
    const idle = Number(await mustOut(node, 'systemctl show -p MainPID --value bench-idle-node'));
    const haproxy = Number(
      (await mustOut(node, 'pgrep -P "$(systemctl show -p MainPID --value haproxy)" haproxy')).split('\n')[0],
    );
    const { samples, hz } = parseSamples(await mustOut(node, sampler([daemon, idle, haproxy], seconds)));
    const windowS = 10;
    const rss = (pid: number) => samples.filter((x) => x.pid === pid).map((x) => x.rssKb / 1024);
    const base = `idle node process${flags.length > 0 ? ` (${flags.join(' ')}, as the daemon)` : ''}`;
    const section = 'footprint';
    return [
      figure(
        {
          section,
          name: `daemon RSS on ${node.name} (1 s samples over ${seconds} s)`,
          unit: 'MB',
          better: 'lower',
        },
        rss(daemon),
        {
          name: base,
          values: rss(idle),
        },
      ),
      figure(
        {
          section,
          name: `daemon CPU on ${node.name} (${windowS} s windows over ${seconds} s)`,
          unit: '% of a core',
          better: 'lower',
          note: "watching every relay path (each WAN per address family, and the mesh) with the defaults: HAProxy's checks read each second, a probe per path every 10 s while they read clean",
        },
        cpuWindows(samples, daemon, hz, windowS),
        { name: "HAProxy's worker", values: cpuWindows(samples, haproxy, hz, windowS) },
      ),
    ];
  } finally {
    await node.exec('systemctl stop bench-idle-node 2>/dev/null; true');
  }
}
