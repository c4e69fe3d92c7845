import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ipaddr from 'ipaddr.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../../../src/time/sleep.js';
import { putFile } from '../../../src/lab/stack-services.js';
import { startStackLab, type StackLab } from '../../../src/lab/stack-lab.js';
import { address6Of, addressOf, INGRESS_NODES } from '../../../src/lab/topology.js';
import { parseRecap, parseRecaps, runCli, type CliResult } from '../support/cli.js';

let stack: StackLab;

/** `ingress up` in its own process, as a user runs it (a first run installs packages). */
const up = (...args: string[]): Promise<CliResult> => runCli(['up', ...args], { timeoutMs: 900_000 });

const upLab = (...extra: string[]) =>
  up('-i', stack.inventoryDir, '--known-hosts', stack.lab.knownHostsFile, ...extra);

async function sh(host: keyof StackLab['hosts'], command: string): Promise<{ rc: number; out: string }> {
  const result = await stack.hosts[host].exec(command);
  return { rc: result.rc, out: `${result.stdout}${result.stderr}`.trim() };
}

/** What a client on the public side gets from the service through one ingress node. */
async function fetchThrough(node: string, family: 4 | 6 = 4): Promise<{ rc: number; out: string }> {
  const of = family === 4 ? addressOf : address6Of;
  const ip = of(stack.topology, node as 'ingress-1', 'public');
  const domain = stack.topology.serviceDomain;
  return sh(
    'client',
    `curl -${family} -sS --max-time 10 --cacert /tmp/pebble-root.pem --resolve ${domain}:443:${family === 4 ? ip : `[${ip}]`} https://${domain}/`,
  );
}

/** The long form OpenSSL prints an IPv6 SAN in (FD1E:EE:1:0:0:0:0:11). */
const opensslV6 = (ip: string): string => ipaddr.IPv6.parse(ip).toNormalizedString().toUpperCase();

let first: CliResult;
const STACK_NODES = [...INGRESS_NODES, 'proxy'] as const;

/** HAProxy's stats once every pattern matches them at the same time, or the last ones after 20 s. */
async function pollStat(node: string, want: readonly RegExp[]): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const stat = await sh(
      node as 'ingress-1',
      `/usr/local/lib/ingress/haproxy-cmd "show stat" | cut -d, -f1,2,18,37`,
    );
    if (want.every((re) => re.test(stat.out)) || Date.now() > deadline) return stat.out;
    await sleep(500);
  }
}

const timings: string[] = [];

async function timed(what: string, run: () => Promise<CliResult>): Promise<CliResult> {
  const startMs = Date.now();
  const result = await run();
  timings.push(`${what}: ${((Date.now() - startMs) / 1000).toFixed(1)} s`);
  return result;
}

let bareCheck: CliResult;
let bareCheckAfter: string[] = [];

/** What would show a change on a node: the stack's folders and dpkg's log. */
const footprint = (host: (typeof STACK_NODES)[number]): Promise<{ rc: number; out: string }> =>
  sh(host, 'ls -d /etc/ingress /etc/haproxy /etc/yggdrasil 2>/dev/null; wc -l < /var/log/dpkg.log');

beforeAll(async () => {
  stack = await startStackLab({ base: 238 });
  const bare = await Promise.all(STACK_NODES.map(async (h) => (await footprint(h)).out));
  bareCheck = await timed('ingress up --check on bare nodes', () => upLab('--check', '--diff'));
  bareCheckAfter = await Promise.all(STACK_NODES.map(async (h) => (await footprint(h)).out));
  expect(bareCheckAfter).toEqual(bare);
  first = await timed('first ingress up', () => upLab());
  // The client trusts pebble's root, read from pebble's management port.
  const pebble = addressOf(stack.topology, 'pebble', 'public');
  const root = await sh('pebble', `curl -fsS --cacert /etc/pebble/ca.pem https://${pebble}:15000/roots/0`);
  await putFile(stack.hosts.client, '/tmp/pebble-root.pem', `${root.out}\n`);
}, 1_200_000);

afterAll(async () => {
  // The closing figures a reader wants: how long a first and a no-op run take here.
  if (timings.length > 0) console.log(`ingress up on Debian ${stack?.lab.debian}: ${timings.join(', ')}`);
  await stack?.close();
});

describe(`ingress up on bare Debian ${process.env['INGRESS_LAB_DEBIAN'] ?? '13'} nodes`, () => {
  it('--check --diff on the bare nodes runs to the end, says what it would install, and changes nothing', () => {
    expect(bareCheck.code, bareCheck.stdout.slice(-3000)).toBe(0);
    const [prepare] = parseRecaps(bareCheck.stdout);
    for (const host of STACK_NODES) expect(prepare?.[host]).toMatchObject({ failed: 0, unreachable: 0 });
    expect(bareCheck.stdout).toMatch(/TASK \[Packages of the stack\][^\n]*\n(?:changed: \[\S+\]\n){3}/);
    expect(bareCheck.stdout).toContain(
      'new nodes (ingress-1, ingress-2, proxy): the rest is configured once',
    );
    // No /etc/ingress, /etc/haproxy or /etc/yggdrasil, and dpkg's log as it was.
    for (const after of bareCheckAfter) expect(after).not.toMatch(/\/etc\//);
  });

  it('converges every node in one run', () => {
    expect(first.stderr).toBe('');
    expect(first.code, first.stdout.slice(-4000)).toBe(0);
    const recap = parseRecap(first.stdout);
    for (const host of [...INGRESS_NODES, 'proxy']) {
      expect(recap[host]).toMatchObject({ failed: 0, unreachable: 0 });
      expect(recap[host]?.changed).toBeGreaterThan(0);
    }
  });

  it('installed HAProxy and Yggdrasil 0.5 itself, in that run', async () => {
    for (const host of STACK_NODES) {
      const log = await sh(host, "grep -E ' install (haproxy|yggdrasil|nodejs):' /var/log/dpkg.log");
      expect(log.out).toMatch(/ install haproxy:/);
      expect(log.out).toMatch(/ install yggdrasil:/);
      expect(log.out).toMatch(/ install nodejs:/);
      expect((await sh(host, "dpkg-query -W -f='${Version}' yggdrasil")).out).toMatch(/^0\.5\./);
    }
    expect((await sh('proxy', "dpkg-query -W -f='${Status}' certbot nftables")).out).toBe(
      'install ok installedinstall ok installed',
    );
  });

  it('writes HAProxy configurations that this HAProxy accepts without a warning', async () => {
    for (const host of STACK_NODES) {
      const check = await sh(host, 'haproxy -c -f /etc/haproxy/haproxy.cfg 2>&1');
      expect(check.rc, check.out).toBe(0);
      expect(check.out).not.toMatch(/WARNING|deprecated/i);
    }
  });

  it('relays over mTLS to both WANs of the local proxy, with the mesh as backup', async () => {
    // One server per WAN and address family, and the mesh.
    const up = ['wan1', 'wan2', 'wan1-v6', 'wan2-v6', 'mesh'].map(
      (path) => new RegExp(`^to_proxy_https,${path},UP,(?:\\* )?L7OK$`, 'm'),
    );
    for (const node of INGRESS_NODES) {
      // Yggdrasil peering settles after the run; HAProxy needs `rise` good checks per path, and
      // on a loaded machine one check of a WAN can time out meanwhile (UP 1/2) and pass again.
      // "* L7OK": a check is running right now and the last one passed.
      const stat = await pollStat(node, up);
      for (const want of up) expect(stat).toMatch(want);
    }
  }, 60_000);

  it('keeps the private keys on the nodes, readable by root only', async () => {
    for (const host of [...INGRESS_NODES, 'proxy'] as const) {
      expect((await sh(host, 'stat -c %a /etc/ingress/pki/node.key')).out).toBe('600');
      // The Yggdrasil key is a file of its own: the rendered configuration holds no secret.
      expect((await sh(host, 'stat -c %a:%G /etc/yggdrasil/private.pem')).out).toBe('640:yggdrasil');
      expect((await sh(host, 'grep -c PrivateKey\\b /etc/yggdrasil/yggdrasil.conf || true')).out).toBe('0');
      const cert = await sh(host, 'openssl x509 -in /etc/ingress/pki/node.pem -noout -ext subjectAltName');
      expect(cert.out).toContain(`DNS:${host}`);
      const ygg = await sh(host, 'yggdrasil -useconffile /etc/yggdrasil/yggdrasil.conf -address');
      expect(cert.out).toContain(`IP Address:${ygg.out.toUpperCase()}`);
    }
  });

  /** Both phases (prepare.yml, site.yml) ran and changed nothing on any node. */
  function expectNothingChanged(run: CliResult): void {
    expect(run.code, run.stdout.slice(-3000)).toBe(0);
    const recaps = parseRecaps(run.stdout);
    expect(recaps).toHaveLength(2);
    for (const recap of recaps)
      for (const host of STACK_NODES)
        expect(recap[host], run.stdout).toMatchObject({ changed: 0, failed: 0 });
  }

  it('reports changed=0 in every phase of the second run', async () => {
    expectNothingChanged(await timed('second ingress up', () => upLab()));
  }, 600_000);

  it('--check --diff on the converged lab has nothing to change and changes nothing', async () => {
    const sums = 'sha256sum /etc/haproxy/haproxy.cfg /etc/yggdrasil/yggdrasil.conf /etc/ingress/pki/node.pem';
    const before = await Promise.all(STACK_NODES.map((h) => sh(h, sums)));
    const check = await upLab('--check', '--diff');
    expectNothingChanged(check);
    expect(check.stdout).not.toMatch(/^\+\+\+ /m);
    expect(await Promise.all(STACK_NODES.map((h) => sh(h, sums)))).toEqual(before);
  }, 600_000);
});

describe('the public side', () => {
  it('serves the demo with a pebble certificate through each ingress node; the demo sees the client', async () => {
    const client = addressOf(stack.topology, 'client', 'public');
    for (const node of INGRESS_NODES) {
      const got = await fetchThrough(node);
      expect(got.rc).toBe(0);
      expect(JSON.parse(got.out)).toMatchObject({ service: 'demo', client, proto: 'https' });
    }
    const issuer = await sh(
      'proxy',
      `openssl x509 -in /etc/haproxy/certs/${stack.topology.serviceDomain}.pem -noout -issuer`,
    );
    expect(issuer.out).toMatch(/Pebble/);
  });

  it("serves the demo over IPv6 through each ingress node; the demo sees the client's IPv6 address", async () => {
    const client = address6Of(stack.topology, 'client', 'public');
    for (const node of INGRESS_NODES) {
      const got = await fetchThrough(node, 6);
      expect(got.rc, got.out).toBe(0);
      expect(JSON.parse(got.out)).toMatchObject({ service: 'demo', client, proto: 'https' });
    }
  });

  it('certifies each ingress node for the IPv4 and IPv6 addresses it is reached at', async () => {
    for (const node of INGRESS_NODES) {
      const san = await sh(node, 'openssl x509 -in /etc/ingress/pki/node.crt -noout -ext subjectAltName');
      const t = stack.topology;
      for (const network of ['public', 'wan1', 'wan2'] as const) {
        expect(san.out).toContain(`IP Address:${addressOf(t, node, network)}`);
        expect(san.out).toContain(`IP Address:${opensslV6(address6Of(t, node, network))}`);
      }
    }
  });

  it('redirects HTTP to HTTPS', async () => {
    const ip = addressOf(stack.topology, 'ingress-2', 'public');
    const domain = stack.topology.serviceDomain;
    const got = await sh(
      'client',
      `curl -s -o /dev/null -w '%{http_code} %{redirect_url}' --resolve ${domain}:80:${ip} http://${domain}/x`,
    );
    expect(got.out).toBe(`301 https://${domain}/x`);
  });
});

const NODE = 'node /usr/local/lib/ingress/ingress-node.js';
const ALL_NODES = [...INGRESS_NODES, 'proxy'] as const;

interface StatusEntry {
  host: string;
  error?: string;
  status?: { node: string; paths: { name: string; state: string }[] };
}

/** `ingress status --json` until every ingress node reports every path up (or 30 s). */
async function fleetStatus(): Promise<StatusEntry[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const run = await runCli([
      'status',
      '-i',
      stack.inventoryDir,
      '--known-hosts',
      stack.lab.knownHostsFile,
      '--json',
    ]);
    const entries = JSON.parse(run.stdout || '[]') as StatusEntry[];
    const allUp = entries.every((e) => e.status?.paths.every((p) => p.state === 'up'));
    if ((run.code === 0 && allUp) || Date.now() > deadline) return entries;
    await sleep(1_000);
  }
}

const serialOf = async (host: 'ingress-1', file: string): Promise<string> =>
  (await sh(host, `openssl x509 -in ${file} -noout -serial`)).out;

describe('the node agents', () => {
  it('runs the health daemon on every node; ingress status shows every path up', async () => {
    for (const host of ALL_NODES)
      expect((await sh(host, 'systemctl is-active ingress-daemon')).out).toBe('active');
    const entries = await fleetStatus();
    expect(entries.map((e) => e.host).sort()).toEqual([...ALL_NODES].sort());
    for (const entry of entries) expect(entry.error).toBeUndefined();
    for (const node of INGRESS_NODES) {
      const paths = entries.find((e) => e.host === node)?.status?.paths ?? [];
      expect(paths.map((p) => `${p.name}=${p.state}`).sort()).toEqual([
        'mesh=up',
        'wan1-v6=up',
        'wan1=up',
        'wan2-v6=up',
        'wan2=up',
      ]);
    }
    expect((await sh('proxy', 'stat -c %a /etc/ingress/tsig.key')).out).toBe('600');
  }, 60_000);

  it('keeps the CA on the local proxy only, readable by root', async () => {
    expect((await sh('proxy', 'stat -c %a /var/lib/ingress/pki')).out).toBe('700');
    const marker = await readFile(join(stack.stateDir, 'MOVED-TO'), 'utf8');
    expect(marker.trim()).toBe('proxy:/var/lib/ingress/pki');
  });

  it('renews a certificate from the signer on the local proxy while HTTPS keeps working', async () => {
    for (const host of ALL_NODES)
      expect((await sh(host, 'systemctl is-active ingress-pki-renew.timer')).out).toBe('active');
    const before = await serialOf('ingress-1', '/etc/ingress/pki/node.crt');
    const renew = await sh('ingress-1', `${NODE} pki renew --config /etc/ingress/pki-renew.yml --force`);
    expect(renew.rc, renew.out).toBe(0);
    expect(renew.out).toMatch(/^ingress-1: renewed \(forced\); serial /);
    const after = await serialOf('ingress-1', '/etc/ingress/pki/node.crt');
    expect(after).not.toBe(before);
    // HAProxy serves the new pair, and the authority on the proxy recorded it.
    expect(await serialOf('ingress-1', '/etc/ingress/pki/node.pem')).toBe(after);
    const record = await sh('proxy', 'cat /var/lib/ingress/pki/issued/ingress-1.json');
    expect(record.out.toLowerCase()).toContain(after.replace('serial=', '').toLowerCase());
    for (const node of INGRESS_NODES) {
      const got = await fetchThrough(node);
      expect(got.rc, got.out).toBe(0);
      expect(JSON.parse(got.out)).toMatchObject({ service: 'demo' });
    }
  }, 60_000);
});

describe('the mTLS listeners and the mesh backup', () => {
  it('lets an ingress node open the mTLS port and drops anyone else', async () => {
    const wan1 = addressOf(stack.topology, 'proxy', 'wan1');
    const probe = `timeout 4 bash -c 'echo > /dev/tcp/${wan1}/8443' && echo OPEN || echo BLOCKED`;
    expect((await sh('ingress-1', probe)).out).toBe('OPEN');
    await stack.lab.connectNetwork(stack.hosts.client, 'wan1', `10.${stack.topology.base}.2.50`);
    try {
      expect((await sh('client', probe)).out).toBe('BLOCKED');
    } finally {
      await stack.lab.disconnectNetwork(stack.hosts.client, 'wan1');
    }
  }, 60_000);

  it("admits the ingress nodes' IPv6 egress addresses from their AAAA records and drops any other IPv6 host", async () => {
    const t = stack.topology;
    const wanted = INGRESS_NODES.flatMap((n) => [address6Of(t, n, 'wan1'), address6Of(t, n, 'wan2')]);
    const set = await sh('proxy', 'nft -j list set inet ingress ingress_v6');
    const elements = (JSON.parse(set.out) as { nftables: { set?: { elem?: string[] } }[] }).nftables.find(
      (e) => e.set,
    )?.set?.elem;
    expect([...(elements ?? [])].sort()).toEqual(wanted.sort());
    const wan1 = address6Of(t, 'proxy', 'wan1');
    const probe = `timeout 4 bash -c 'echo > /dev/tcp/${wan1}/8443' && echo OPEN || echo BLOCKED`;
    expect((await sh('ingress-1', probe)).out).toBe('OPEN');
    await stack.lab.connectNetwork(stack.hosts.client, 'wan1', undefined, `fd1e:${t.base}:2::50`);
    try {
      expect((await sh('client', probe)).out).toBe('BLOCKED');
    } finally {
      await stack.lab.disconnectNetwork(stack.hosts.client, 'wan1');
    }
  }, 60_000);

  it('still serves through both ingress nodes over Yggdrasil when both WANs are cut', async () => {
    await stack.lab.disconnectNetwork(stack.hosts.proxy, 'wan1');
    await stack.lab.disconnectNetwork(stack.hosts.proxy, 'wan2');
    for (const node of INGRESS_NODES) {
      // fall 2 x inter 500 ms plus the connect timeout: the backup takes over within seconds.
      const before = await pollStat(node, [
        /^to_proxy_https,wan2-v6,DOWN,.*\n(?:.*\n)*?to_proxy_https,mesh,UP/m,
      ]);
      const got = await fetchThrough(node);
      expect(got.rc, `${got.out}\n${before}`).toBe(0);
      expect(JSON.parse(got.out)).toMatchObject({ service: 'demo' });
      const stat = await sh(node, `/usr/local/lib/ingress/haproxy-cmd "show stat" | cut -d, -f1,2,18`);
      for (const wan of ['wan1', 'wan2', 'wan1-v6', 'wan2-v6'])
        expect(stat.out).toMatch(new RegExp(`^to_proxy_https,${wan},DOWN$`, 'm'));
      expect(stat.out).toMatch(/^to_proxy_https,mesh,UP$/m);
    }
  }, 60_000);
});

describe('configuration errors', () => {
  it('fails before touching a host, naming file, line and key', async () => {
    const file = join(stack.inventoryDir, 'group_vars', 'all.yml');
    const good = await readFile(file, 'utf8');
    const before = await sh('proxy', 'sha256sum /etc/haproxy/haproxy.cfg');
    await writeFile(file, good.replace(/ {4}backend: .*\n/, ''));
    try {
      const run = await upLab();
      expect(run.code).not.toBe(0);
      expect(run.stdout).not.toContain('PLAY [');
      expect(run.stderr).toMatch(
        /group_vars\/all\.yml:\d+ \(ingress_services\[0\]\.backend\): ingress_services\[0\]\.backend is required/,
      );
      expect((await sh('proxy', 'sha256sum /etc/haproxy/haproxy.cfg')).out).toBe(before.out);
    } finally {
      await writeFile(file, good);
    }
  }, 60_000);
});
