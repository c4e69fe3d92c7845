// What the tests look at on the lab hosts: the daemon's own endpoints, HAProxy's runtime view,
// BIND's answers and the kernel's allow-set, each read the way an operator would.
import { parseNftSetJson } from '../../../src/firewall/nft-json.js';
import { parseServersState, type ServerStateRow } from '../../../src/haproxy/parse.js';
import type { DaemonStatus } from '../../../src/metrics/status.js';
import type { LabHost } from '../../../src/lab/lab.js';
import { must } from './daemon-lab.js';

export async function daemonStatus(host: LabHost): Promise<DaemonStatus> {
  return JSON.parse(await must(host, 'curl -sS --max-time 3 http://127.0.0.1:9105/status')) as DaemonStatus;
}

export async function daemonMetrics(host: LabHost): Promise<string> {
  return must(host, 'curl -sS --max-time 3 http://127.0.0.1:9105/metrics');
}

export async function pathStates(host: LabHost): Promise<Record<string, string>> {
  const status = await daemonStatus(host);
  return Object.fromEntries(status.paths.map((p) => [p.name, p.state]));
}

/** `show servers state home` through HAProxy's admin socket (python3 is in the image, socat is not). */
export async function haproxyServers(host: LabHost): Promise<Record<string, ServerStateRow>> {
  const script =
    "import socket;s=socket.socket(socket.AF_UNIX);s.connect('/run/haproxy/admin.sock');" +
    "s.sendall(b'show servers state home\\n');import sys;sys.stdout.write(b''.join(iter(lambda:s.recv(65536),b'')).decode())";
  const rows = parseServersState(await must(host, `python3 -c "${script}"`));
  return Object.fromEntries(rows.map((row) => [row.server, row]));
}

export async function digA(dns: LabHost, name: string): Promise<string[]> {
  const out = await must(dns, `dig +short @127.0.0.1 ${name} A`);
  return out.split('\n').filter(Boolean).sort();
}

export async function nftAllowSet(host: LabHost): Promise<string[]> {
  const out = await must(host, 'nft -j list set inet ingress ingress_v4');
  return [...parseNftSetJson(out).elements].sort();
}

/** One counter's value from the Prometheus text, 0 when absent. */
export function counter(metrics: string, series: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.split(' ')[1]) : 0;
}
