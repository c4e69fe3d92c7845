import { IngressError } from '../errors.js';
import type { Remote } from '../transport/types.js';
import type { ExecResult } from '../transport/types.js';
import { allAddresses, defaultRoute, interfaceKey, parseIpAddr } from './network.js';
import { distributionFacts, parseOsRelease, serviceManager } from './os.js';
import type { Fact } from './types.js';

const MARK = '@@ingress:';

/** One exec prints every section, so gathering costs a single round trip. */
export const GATHER_SCRIPT = [
  `s() { echo "${MARK}$1"; }`,
  's hostname; hostname 2>/dev/null || cat /proc/sys/kernel/hostname',
  's fqdn; timeout 2 hostname -f 2>/dev/null',
  's uname; uname -n; uname -s; uname -r; uname -m',
  's os-release; cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null',
  's debian-version; cat /etc/debian_version 2>/dev/null',
  's ip-addr; ip -j addr show 2>/dev/null',
  's route4; ip -j -4 route show default 2>/dev/null',
  's route6; ip -j -6 route show default 2>/dev/null',
  's init; cat /proc/1/comm 2>/dev/null',
  's systemd; [ -d /run/systemd/system ] && echo running',
  's user; id -un',
  's cpus; nproc 2>/dev/null',
  's meminfo; grep MemTotal /proc/meminfo 2>/dev/null',
  's epoch; date +%s',
  'true',
].join('\n');

export function parseSections(stdout: string): Map<string, string> {
  const sections = new Map<string, string>();
  let name: string | undefined;
  let lines: string[] = [];
  const flush = () => {
    if (name !== undefined) sections.set(name, lines.join('\n').trim());
  };
  for (const line of stdout.split('\n')) {
    if (line.startsWith(MARK)) {
      flush();
      name = line.slice(MARK.length);
      lines = [];
    } else lines.push(line);
  }
  flush();
  return sections;
}

function networkFacts(sections: Map<string, string>): Record<string, unknown> {
  const ifaces = parseIpAddr(sections.get('ip-addr') ?? '');
  const facts: Record<string, unknown> = { interfaces: ifaces.map((i) => i.device) };
  for (const iface of ifaces) facts[interfaceKey(iface.device)] = iface;
  const all = allAddresses(ifaces);
  facts.all_ipv4_addresses = all.v4;
  facts.all_ipv6_addresses = all.v6;
  facts.default_ipv4 = defaultRoute(sections.get('route4') ?? '', ifaces, 4) ?? {};
  facts.default_ipv6 = defaultRoute(sections.get('route6') ?? '', ifaces, 6) ?? {};
  return facts;
}

/** Pure: the sections printed by GATHER_SCRIPT into Ansible-named facts (without the ansible_ prefix). */
export function parseGathered(result: ExecResult): Record<string, unknown> {
  const sections = parseSections(result.stdout);
  if (!sections.has('epoch')) {
    throw new IngressError('E_MODULE', `fact gathering failed (rc ${result.rc}): ${result.stderr.trim()}`);
  }
  const [nodename = '', system = '', kernel = '', architecture = ''] = (sections.get('uname') ?? '').split(
    '\n',
  );
  const hostname = (sections.get('hostname') ?? nodename).split('.')[0] ?? nodename;
  const epoch = sections.get('epoch') ?? '';
  const memKb = /(\d+)/.exec(sections.get('meminfo') ?? '')?.[1];
  return {
    hostname,
    nodename,
    fqdn: sections.get('fqdn') || sections.get('hostname') || nodename,
    system,
    kernel,
    architecture,
    machine: architecture,
    ...distributionFacts(
      parseOsRelease(sections.get('os-release') ?? ''),
      sections.get('debian-version') ?? '',
    ),
    ...networkFacts(sections),
    service_mgr: serviceManager(sections.get('init') ?? '', sections.get('systemd') === 'running'),
    user_id: sections.get('user') ?? '',
    processor_vcpus: Number(sections.get('cpus') ?? 0),
    memtotal_mb: memKb === undefined ? 0 : Math.floor(Number(memKb) / 1024),
    date_time: { epoch, iso8601: new Date(Number(epoch) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') },
  };
}

export const gatherFact: Fact<Record<string, unknown>> = {
  name: 'setup',
  command: () => GATHER_SCRIPT,
  parse: parseGathered,
};

/** Ansible-like facts of a host in one exec. */
export async function gatherFacts(remote: Remote): Promise<Record<string, unknown>> {
  return parseGathered(await remote.exec(GATHER_SCRIPT));
}
