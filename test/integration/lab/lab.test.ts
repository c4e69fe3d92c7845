import { readFile, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerode, LAB_LABEL, removeLabResources } from '../../../src/lab/docker.js';
import type { CliResult } from '../support/cli.js';
import { readmeLabCommands, readmeShell } from '../support/readme.js';

// The lab runs on its default addresses (10.240.x); the stack suites use other ranges.
const BASE = '240';
let shell: Awaited<ReturnType<typeof readmeShell>>;
let commands: string[] = [];
let dir = '';
let runId = '';
let first: CliResult;

/** The README line that starts with `prefix`, exactly as written there. */
function readmeLine(prefix: string): string {
  const line = commands.find((c) => c.startsWith(prefix));
  if (!line)
    throw new Error(`the README's set-up section has no \`${prefix}\` line: ${commands.join(' | ')}`);
  return line;
}

/** The README line that holds `text`, exactly as written there. */
function readmeLineWith(text: string): string {
  const line = commands.find((c) => c.includes(text));
  if (!line) throw new Error(`the README's set-up section has no line with \`${text}\``);
  return line;
}

async function labResources(): Promise<{ containers: number; networks: number }> {
  const api = await dockerode();
  const filters = JSON.stringify({ label: [`${LAB_LABEL}=${runId}`] });
  const containers = await api.listContainers({ all: true, filters });
  const networks = await api.listNetworks({ filters });
  return { containers: containers.length, networks: networks.length };
}

beforeAll(async () => {
  commands = await readmeLabCommands();
  shell = await readmeShell();
  dir = join(shell.cwd, '.lab');
  first = await shell.run(readmeLine('ingress lab up'));
  const state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as { runId: string };
  runId = state.runId;
}, 900_000);

afterAll(async () => {
  // Only if a test failed before `lab down` ran: never leave the lab behind.
  if (runId) await removeLabResources(runId);
  if (shell) await rm(dirname(shell.cwd), { recursive: true, force: true });
});

describe('ingress lab, driven by the README', () => {
  it('comes up healthy and prints the curl line the README shows', () => {
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/ingress-1: haproxy path wan1\s+UP/);
    expect(first.stdout).toMatch(/ingress-2: haproxy path mesh\s+UP/);
    const curl = readmeLine('ingress lab exec client -- curl');
    expect(curl).toContain(`--resolve app.ingress.test:443:10.${BASE}.1.11 `);
    expect(first.stdout.split('\n').map((l) => l.trim())).toContain(curl);
  });

  it('reaches the demo through ingress-1 with that line; the demo sees the client', async () => {
    const got = await shell.run(readmeLine('ingress lab exec client -- curl'));
    expect(got.code, got.stderr).toBe(0);
    expect(JSON.parse(got.stdout)).toMatchObject({
      service: 'demo',
      proto: 'https',
      client: `10.${BASE}.1.50`,
    });
  });

  it('reaches the demo through ingress-1 over IPv6 with the second line; the demo sees the IPv6 client', async () => {
    const got = await shell.run(readmeLineWith(`:443:[fd1e:${BASE}:1::11]`));
    expect(got.code, got.stderr).toBe(0);
    expect(JSON.parse(got.stdout)).toMatchObject({ service: 'demo', client: `fd1e:${BASE}:1::50` });
  });

  it('keeps its state in .lab: key and state 0600, known_hosts, inventory, CA', async () => {
    expect((await stat(join(dir, 'id_ed25519'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'state.json'))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(dir, 'inventory', 'hosts.yml'), 'utf8')).toContain(
      `ansible_ssh_private_key_file: ${join(dir, 'id_ed25519')}`,
    );
    expect(await readFile(join(dir, 'known_hosts'), 'utf8')).toContain(`10.${BASE}.1.20 ssh-ed25519 `);
  });

  it('reports nodes, roles, addresses of both families, domains, A and AAAA and the allow-sets as JSON', async () => {
    const status = await shell.run('ingress lab status --json');
    expect(status.code, status.stderr).toBe(0);
    const doc = JSON.parse(status.stdout) as {
      nodes: {
        name: string;
        role: string;
        addresses: Record<string, string>;
        addresses6: Record<string, string>;
      }[];
      serviceDomains: string[];
      ingressPublicAddresses: Record<string, string>;
      ingressPublicAddresses6: Record<string, string>;
      health: Record<string, string>;
    };
    expect(doc.nodes.find((n) => n.name === 'proxy')).toMatchObject({
      role: 'local proxy',
      addresses: { public: `10.${BASE}.1.20`, wan1: `10.${BASE}.2.20`, underlay: `10.${BASE}.4.20` },
      addresses6: { public: `fd1e:${BASE}:1::20`, wan1: `fd1e:${BASE}:2::20`, wan2: `fd1e:${BASE}:3::20` },
    });
    expect(doc.serviceDomains).toEqual(['app.ingress.test']);
    expect(doc.ingressPublicAddresses).toEqual({
      'ingress-1': `10.${BASE}.1.11`,
      'ingress-2': `10.${BASE}.1.12`,
    });
    expect(doc.ingressPublicAddresses6).toEqual({
      'ingress-1': `fd1e:${BASE}:1::11`,
      'ingress-2': `fd1e:${BASE}:1::12`,
    });
    expect(doc.health).toMatchObject({
      'dns: app.ingress.test A': `10.${BASE}.1.11,10.${BASE}.1.12`,
      'dns: app.ingress.test AAAA': `fd1e:${BASE}:1::11,fd1e:${BASE}:1::12`,
      'proxy: allow-set ingress_v4': [2, 3]
        .flatMap((w) => [11, 12].map((h) => `10.${BASE}.${w}.${h}`))
        .sort()
        .join(','),
      'proxy: allow-set ingress_v6': [2, 3]
        .flatMap((w) => [11, 12].map((h) => `fd1e:${BASE}:${w}::${h}`))
        .sort()
        .join(','),
      'ingress-1: haproxy path wan1-v6': 'UP',
      'ingress-2: haproxy path wan2-v6': 'UP',
    });
  });

  it('passes the exit code of `lab exec` through', async () => {
    const got = await shell.run("ingress lab exec client -- sh -c 'echo out; echo err >&2; exit 7'");
    expect(got).toMatchObject({ code: 7, stdout: 'out\n', stderr: 'err\n' });
  });

  it('finds the running lab on a second `lab up`', async () => {
    const second = await shell.run(readmeLine('ingress lab up'));
    expect(second.stdout).toContain(`lab ${runId} found`);
    expect(await labResources()).toEqual({ containers: 9, networks: 6 });
    expect(second.code, second.stderr).toBe(0);
  }, 900_000);

  it('`lab fail wan1` shows what changed, the curl line still answers, `lab heal wan1` restores', async () => {
    const fail = await shell.run(readmeLine('ingress lab fail wan1'));
    expect(fail.code, fail.stderr).toBe(0);
    expect(fail.stdout).toContain('proxy: link wan1: connected -> cut');
    expect(fail.stdout).toContain('ingress-1: haproxy path wan1: UP -> DOWN');
    // One network, both families: the IPv6 relay server over WAN 1 goes down with it.
    expect(fail.stdout).toContain('ingress-1: haproxy path wan1-v6: UP -> DOWN');
    const got = await shell.run(readmeLine('ingress lab exec client -- curl'));
    expect(got.code, got.stderr).toBe(0);
    expect(JSON.parse(got.stdout)).toMatchObject({ service: 'demo' });
    const heal = await shell.run(readmeLine('ingress lab heal wan1'));
    expect(heal.stdout).toContain('proxy: link wan1: cut -> connected');
    expect(heal.stdout).toContain('ingress-1: haproxy path wan1: DOWN -> UP');
    // The proxy comes back on its IPv6 address too, the one the relay server names.
    expect(heal.stdout).toContain('ingress-1: haproxy path wan1-v6: DOWN -> UP');
    const status = await shell.run(readmeLine('ingress lab status'));
    expect(status.code, `${status.stderr}\n${status.stdout}`).toBe(0);
  }, 180_000);

  it("`lab degrade wan1 30` drops packets on the proxy's WAN 1 in a table of its own, `lab heal wan1` removes it", async () => {
    const degrade = await shell.run(readmeLine('ingress lab degrade wan1 30'));
    expect(degrade.code, degrade.stderr).toBe(0);
    expect(degrade.stdout).toMatch(
      /^wan1: dropping 30% of the packets arriving at the proxy on eth\d+ \(nft table inet ingress_lab_loss_wan1\)/,
    );
    const table = await shell.run('ingress lab exec proxy -- nft list table inet ingress_lab_loss_wan1');
    expect(table.stdout).toMatch(/iifname "eth\d+" numgen random mod 100 < 30 drop/);
    const heal = await shell.run(readmeLine('ingress lab heal wan1'));
    expect(heal.code, heal.stderr).toBe(0);
    const gone = await shell.run('ingress lab exec proxy -- nft list table inet ingress_lab_loss_wan1');
    expect(gone.code).not.toBe(0);
  }, 180_000);

  it('`lab down` removes every container and network it made, and its folder', async () => {
    const down = await shell.run(readmeLine('ingress lab down'));
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toContain(`removed lab ${runId}: 9 containers, 6 networks`);
    expect(await labResources()).toEqual({ containers: 0, networks: 0 });
    await expect(stat(dir)).rejects.toThrow(/ENOENT/);
  }, 60_000);
});
