// The same 10-task playbook (test/fixtures/integration/converge/site.yml) under `ingress play`
// and `ansible-playbook`, on 1, 10 and 30 bare lab containers: a first run on hosts put back to
// bare before each one, then a no-op run. Both tools get the same hosts, in alternating order.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLab, type Lab, type LabHost } from '../src/lab/lab.js';
import { figure, type Figure } from './lib/results.js';
import { INGRESS_BIN, REPO_ROOT } from './lib/prereq.js';
import { mustSucceed, timedRun } from './lib/timed.js';
import { sleep } from '../src/time/sleep.js';

export const SIZES = [1, 10, 30] as const;
const PLAYBOOK = fileURLToPath(new URL('test/fixtures/integration/converge/site.yml', REPO_ROOT));

/**
 * Undoes what the playbook does, so the next run is a first run again. apt's lists stay: both
 * tools find them fresh (cache_valid_time), as the setup's `apt-get update` left them.
 */
const RESET =
  'systemctl disable --now ingress-demo >/dev/null 2>&1; rm -rf /srv/demo /etc/systemd/system/ingress-demo.service ' +
  '/var/log/ingress-demo-restarts; systemctl daemon-reload; ' +
  'DEBIAN_FRONTEND=noninteractive apt-get purge -y -q hello >/dev/null 2>&1; true';

const PYTHON3_APT =
  'DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null && apt-get install -y -q python3-apt >/dev/null';

async function withRetry(work: () => Promise<void>, attempts = 3): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      return await work();
    } catch (err) {
      if (i >= attempts) throw err;
      await sleep(2_000 * i);
    }
  }
}

async function must(host: LabHost, what: string, command: string): Promise<void> {
  const r = await host.exec(command);
  if (r.rc !== 0) throw new Error(`${host.name}: ${what} failed: ${r.stderr.trim()}`);
}

async function inventory(lab: Lab, hosts: readonly LabHost[]): Promise<string> {
  const file = join(lab.workDir, `hosts-${hosts.length}.yml`);
  const entries = hosts
    .map(
      (h) =>
        `        ${h.name}:\n          ansible_host: ${h.address}\n          ansible_user: root\n          ansible_ssh_private_key_file: ${lab.keyPair.privateKeyFile}\n`,
    )
    .join('');
  await writeFile(file, `all:\n  children:\n    web:\n      hosts:\n${entries}`);
  return file;
}

type Tool = 'ingress' | 'ansible';

function runTool(tool: Tool, lab: Lab, inv: string, forks: number) {
  if (tool === 'ingress')
    return timedRun(process.execPath, [
      INGRESS_BIN,
      'play',
      PLAYBOOK,
      '-i',
      inv,
      '--known-hosts',
      lab.knownHostsFile,
    ]);
  // Ansible's best case: as many forks as hosts (its default of 5 would queue 30 hosts in six waves).
  return timedRun('ansible-playbook', [
    '-i',
    inv,
    PLAYBOOK,
    '-f',
    String(forks),
    '--ssh-common-args',
    `-o UserKnownHostsFile=${lab.knownHostsFile} -o ControlMaster=auto -o ControlPersist=60s`,
  ]);
}

/** Bare hosts web{from+1}..web{to} with python3-apt (ansible's apt module needs it; installing it is not part of a run). */
async function startHosts(lab: Lab, from: number, to: number): Promise<LabHost[]> {
  const hosts: LabHost[] = [];
  // A few at a time: thirty systemd boots at once starve the machine's two cores.
  for (let i = from; i < to; i += 6)
    hosts.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(6, to - i) }, (_, j) =>
          lab.startHost({ name: `web${i + j + 1}`, networks: [{ name: 'net' }] }),
        ),
      )),
    );
  // A few hosts at a time, retried: thirty apt runs at once overrun the package cache.
  for (let i = 0; i < hosts.length; i += 6)
    await Promise.all(hosts.slice(i, i + 6).map((h) => withRetry(() => must(h, 'python3-apt', PYTHON3_APT))));
  return hosts;
}

type Times = Record<Tool, { first: number[]; noop: number[] }>;

/** `runs` rounds on `group`, the tools' order alternating, each from freshly reset hosts. */
async function timeSize(
  lab: Lab,
  group: LabHost[],
  runs: number,
  log: (line: string) => void,
): Promise<Times> {
  const size = group.length;
  const inv = await inventory(lab, group);
  const times: Times = { ingress: { first: [], noop: [] }, ansible: { first: [], noop: [] } };
  for (let r = 0; r < runs; r++) {
    const order: Tool[] = r % 2 === 0 ? ['ingress', 'ansible'] : ['ansible', 'ingress'];
    for (const tool of order) {
      await Promise.all(group.map((h) => withRetry(() => must(h, 'reset', RESET))));
      const first = mustSucceed(`${tool} first run on ${size}`, await runTool(tool, lab, inv, size));
      const noop = mustSucceed(`${tool} no-op run on ${size}`, await runTool(tool, lab, inv, size));
      times[tool].first.push(first.ms / 1000);
      times[tool].noop.push(noop.ms / 1000);
      log(
        `provisioning: ${tool} on ${size}: first ${(first.ms / 1000).toFixed(1)} s, no-op ${(noop.ms / 1000).toFixed(1)} s`,
      );
    }
  }
  return times;
}

/**
 * From this many hosts on, one round: a round of ansible-playbook there takes minutes (about
 * 8 on 30 hosts on a 2-core machine), and the whole bench must stay within 25 minutes.
 */
export const ONE_ROUND_FROM_HOSTS = 30;

/** A round on one host takes about 20 s, so its figures get a steadier median from more of them. */
export const ONE_HOST_ROUNDS = 5;

const roundsFor = (size: number, runs: number): number =>
  size >= ONE_ROUND_FROM_HOSTS ? 1 : size === 1 ? Math.max(runs, ONE_HOST_ROUNDS) : runs;

function sizeFigures(size: number, times: Times): Figure[] {
  return (['first', 'noop'] as const).map((kind) =>
    figure(
      {
        section: 'provisioning',
        name: `ingress play, ${kind === 'first' ? 'first' : 'no-op'} run, ${size} host${size > 1 ? 's' : ''}`,
        unit: 's',
        better: 'lower',
        ...(size >= ONE_ROUND_FROM_HOSTS
          ? { note: `one round at ${ONE_ROUND_FROM_HOSTS}+ hosts, to keep the bench within 25 minutes` }
          : {}),
      },
      times.ingress[kind],
      { name: 'ansible-playbook', values: times.ansible[kind] },
    ),
  );
}

/**
 * Reports each size's figures as soon as they are measured. Hosts are started as the sizes
 * grow, so no idle container (thirty systemds) runs beside the smaller sizes.
 */
export async function benchProvisioning(
  runs: number,
  log: (line: string) => void,
  report: (figures: Figure[]) => Promise<void>,
  sizes: readonly number[] = SIZES,
): Promise<void> {
  const lab = await createLab();
  try {
    await lab.createNetwork('net');
    const hosts: LabHost[] = [];
    for (const size of [...sizes].sort((a, b) => a - b)) {
      if (hosts.length < size) {
        log(`provisioning: starting bare containers ${hosts.length + 1} to ${size}`);
        hosts.push(...(await startHosts(lab, hosts.length, size)));
      }
      await report(sizeFigures(size, await timeSize(lab, hosts.slice(0, size), roundsFor(size, runs), log)));
    }
  } finally {
    await lab.close();
  }
}
