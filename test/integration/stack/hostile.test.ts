// A compromised node and hostile input, on the full lab after one `ingress up`: what a host
// returns stays data, hostile inventory values change nothing, hostile DNS answers never reach
// the home firewall, a node's DNS key is confined to its names, the mesh status wants mTLS.
import { randomBytes } from 'node:crypto';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDnsClient } from '../../../src/dns/client.js';
import { parseKeyFile } from '../../../src/dns/key-file.js';
import type { TsigKey } from '../../../src/dns/types.js';
import { egressName } from '../../../src/lab/stack-inventory.js';
import { putFile } from '../../../src/lab/stack-services.js';
import { startStackLab, type StackLab } from '../../../src/lab/stack-lab.js';
import { addressOf, INGRESS_NODES, type StackHostName } from '../../../src/lab/topology.js';
import { allowSet, daemonStatus, firewallView, must, sleep, waitFor } from '../failover/failover-lab.js';
import { runCli, type CliResult } from '../support/cli.js';

let stack: StackLab;
let first: CliResult;
const FLEET = [...INGRESS_NODES, 'proxy'] as const;
/** A value only the controller's environment holds: it must never show up on a node. */
const MARK = `controller-only-${randomBytes(6).toString('hex')}`;
const PLANT = "{{ lookup('env','HOSTILE_MARK') }}";

const upWith = (inventory: string): Promise<CliResult> =>
  runCli(['up', '-i', inventory, '--known-hosts', stack.lab.knownHostsFile], {
    timeoutMs: 900_000,
    env: { HOSTILE_MARK: MARK },
  });

const sh = async (host: StackHostName, command: string): Promise<string> =>
  (await stack.hosts[host].exec(command)).stdout.trim();

/** What a change would touch on a node: its generated configs and anything planted in /tmp. */
const CONFIGS =
  'sha256sum /etc/haproxy/haproxy.cfg /etc/yggdrasil/yggdrasil.conf /etc/ingress/daemon.yml /etc/ingress/pki/node.pem; ls /tmp';
const checksums = (): Promise<string[]> => Promise.all(FLEET.map((h) => sh(h, CONFIGS)));

/** Nodes whose files under /etc hold the controller's secret value. */
const leaks = async (): Promise<string[]> => {
  const found = await Promise.all(FLEET.map((h) => sh(h, `grep -rlF '${MARK}' /etc 2>/dev/null || true`)));
  return found.filter((out) => out !== '');
};

beforeAll(async () => {
  stack = await startStackLab({ base: 231 });
  first = await upWith(stack.inventoryDir);
}, 1_500_000);

afterAll(async () => {
  await stack?.close();
});

it('converges the lab first', () => {
  expect(first.code, first.stdout.slice(-3000)).toBe(0);
});

describe('what a node returns is data, never a template', () => {
  it('a template planted in a node’s Yggdrasil config is not rendered: the controller’s value reaches no node', async () => {
    await must(
      stack,
      'ingress-1',
      `sed -i 's|^{|{\\n  "PublicKey": "${PLANT}",|' /etc/yggdrasil/yggdrasil.conf && grep -c lookup /etc/yggdrasil/yggdrasil.conf`,
    );
    const run = await upWith(stack.inventoryDir);
    expect(run.code, run.stdout.slice(-3000)).toBe(0);
    expect(run.stdout + run.stderr).not.toContain(MARK);
    expect(await leaks()).toEqual([]);
  }, 900_000);

  it('a node whose command output carries a template fails by name, with the text kept literally', async () => {
    // ingress-1's yggdrasil now answers `-publickey` with template syntax.
    const wrapper = `#!/bin/sh\nfor a in "$@"; do [ "$a" = -publickey ] && { echo "${PLANT}"; exit 0; }; done\nexec /usr/bin/yggdrasil.real "$@"\n`;
    const bin = await must(stack, 'ingress-1', 'command -v yggdrasil');
    await must(stack, 'ingress-1', `cp -p ${bin} /usr/bin/yggdrasil.real`);
    // Renamed into place: the running daemon keeps the binary busy.
    await putFile(stack.hosts['ingress-1'], '/tmp/ygg-wrapper', wrapper, '0755');
    await must(stack, 'ingress-1', `mv -f /tmp/ygg-wrapper ${bin}`);
    const before = await checksums();
    try {
      const run = await upWith(stack.inventoryDir);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain('ingress-1');
      expect(run.stderr).toContain('malformed Yggdrasil public key');
      expect(run.stderr).toContain(PLANT);
      expect(run.stdout + run.stderr).not.toContain(MARK);
      expect(await checksums()).toEqual(before);
      expect(await leaks()).toEqual([]);
    } finally {
      await must(stack, 'ingress-1', `mv /usr/bin/yggdrasil.real ${bin}`);
    }
  }, 900_000);
});

describe('hostile values in the inventory change nothing on any node', () => {
  let n = 0;
  /** A copy of the lab's inventory with one hostile edit; `ingress up` against the real nodes. */
  async function refused(edit: (dir: string) => Promise<void>): Promise<CliResult> {
    const dir = join(stack.lab.workDir, `hostile-${(n += 1)}`);
    await cp(stack.inventoryDir, dir, { recursive: true, verbatimSymlinks: true });
    await edit(dir);
    const before = await checksums();
    const run = await upWith(dir);
    expect(run.code).not.toBe(0);
    expect(run.stdout).not.toContain('PLAY [');
    expect(await checksums()).toEqual(before);
    return run;
  }
  const replaceIn = async (file: string, from: RegExp, to: string): Promise<void> => {
    const text = await readFile(file, 'utf8');
    expect(text).toMatch(from);
    await writeFile(file, text.replace(from, to));
  };

  it('a newline in a WAN name (group_vars)', async () => {
    const run = await refused((dir) =>
      replaceIn(
        join(dir, 'group_vars', 'local_proxy.yml'),
        /- name: wan1/,
        '- name: "wan1\\n    server evil 192.0.2.1:443"',
      ),
    );
    expect(run.stderr).toMatch(/group_vars\/local_proxy\.yml:\d+ \(ingress_wans\[0\]\.name\)/);
  }, 120_000);

  it('`;` in the ACME email and `$()` in a health path (group_vars)', async () => {
    const email = await refused((dir) =>
      replaceIn(join(dir, 'group_vars', 'all.yml'), /email: .*/, 'email: "a@b.test; touch /tmp/pwned #"'),
    );
    expect(email.stderr).toMatch(/group_vars\/all\.yml:\d+ \(ingress_acme\.email\)/);
    const path = await refused((dir) =>
      replaceIn(join(dir, 'group_vars', 'all.yml'), /health_path: .*/, 'health_path: "/$(touch /tmp/pwned)"'),
    );
    expect(path.stderr).toMatch(/group_vars\/all\.yml:\d+ \(ingress_services\[0\]\.health_path\)/);
  }, 120_000);

  it('quotes in a host variable (host_vars)', async () => {
    const run = await refused((dir) =>
      putText(
        join(dir, 'host_vars', 'ingress-1.yml'),
        `ingress_underlay_address: "10.0.0.1\\"; touch /tmp/pwned; \\""\n`,
      ),
    );
    expect(run.stderr).toMatch(/host_vars\/ingress-1\.yml:1 \(ingress_underlay_address\)/);
  }, 120_000);

  it('a hostile value in an INI inventory', async () => {
    // Extension-less, as Ansible skips `.ini` files inside an inventory folder.
    const run = await refused((dir) =>
      putText(
        join(dir, 'extra'),
        `[ingress]\ningress-1 ingress_dns_name="${egressName(stack.topology, 'ingress-1')};touch /tmp/pwned"\n`,
      ),
    );
    expect(run.stderr).toMatch(/extra:2 \(ingress-1\.ingress_dns_name\)/);
  }, 120_000);

  it('a hostile host name', async () => {
    const run = await refused((dir) =>
      replaceIn(join(dir, 'hosts.yml'), / {8}ingress-2:/, '        "ingress-2$(touch /tmp/pwned)":'),
    );
    expect(run.stderr).toMatch(/hosts\.yml:\d+ \(.*ingress-2\$\(touch \/tmp\/pwned\).*\).*host name/);
  }, 120_000);

  it('left no trace of any of them on the nodes', async () => {
    for (const host of FLEET)
      expect(await sh(host, 'ls /tmp/pwned 2>/dev/null || echo absent')).toBe('absent');
  });
});

async function putText(file: string, text: string): Promise<void> {
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, text);
}

const dnsServer = () => ({ host: addressOf(stack.topology, 'dns', 'public'), port: 53 });

async function nodeKey(host: StackHostName): Promise<TsigKey> {
  const keys = parseKeyFile(await sh(host, 'cat /etc/ingress/tsig.key'), `${host}:/etc/ingress/tsig.key`);
  expect(keys).toHaveLength(1);
  return keys[0] as TsigKey;
}

const clientWith = (key: TsigKey) =>
  createDnsClient({
    server: dnsServer(),
    key,
    zone: stack.topology.zone,
    now: () => Date.now(),
    timeoutMs: 3000,
  });

describe('each node has its own DNS key, confined to the names its daemon keeps', () => {
  it('every node holds only its own key, 0600, named after it', async () => {
    const keys = await Promise.all(FLEET.map((host) => nodeKey(host)));
    expect(keys.map((k) => k.name)).toEqual(FLEET.map((host) => `${host}.ingress-update`));
    expect(new Set(keys.map((k) => k.secret)).size).toBe(FLEET.length);
    for (const host of FLEET) expect(await sh(host, 'stat -c %a /etc/ingress/tsig.key')).toBe('600');
  });

  it("BIND refuses ingress-1's key on ingress-2's names, the mesh name and the firewall's names", async () => {
    const dns = clientWith(await nodeKey('ingress-1'));
    const t = stack.topology;
    for (const name of [egressName(t, 'ingress-2'), egressName(t, 'ingress-1'), `ingress-2.${t.zone}`]) {
      await expect(dns.replaceRrset(name, 'A', ['192.0.2.66'], 30), name).rejects.toThrow(/REFUSED/);
    }
    await expect(dns.replaceRrset(`proxy.mesh.${t.zone}`, 'AAAA', ['200::66'], 30)).rejects.toThrow(
      /REFUSED/,
    );
    // The proxy's key may not touch the public names.
    const proxy = clientWith(await nodeKey('proxy'));
    await expect(proxy.replaceRrset(t.serviceDomain, 'A', ['192.0.2.66'], 30)).rejects.toThrow(/REFUSED/);
    expect((await dns.getRrset(egressName(t, 'ingress-2'), 'A')).addresses.sort()).toEqual(
      [addressOf(t, 'ingress-2', 'wan1'), addressOf(t, 'ingress-2', 'wan2')].sort(),
    );
  });

  it("accepts ingress-1's key on the public service name it keeps", async () => {
    const dns = clientWith(await nodeKey('ingress-1'));
    const name = stack.topology.serviceDomain;
    const added = await dns.addAddresses(name, 'A', ['192.0.2.77'], 30);
    expect(added.status).toBe('changed');
    const removed = await dns.removeAddresses(name, 'A', ['192.0.2.77']);
    expect(removed.status).toBe('changed');
  });
});

describe('hostile DNS answers never reach the allow-set on the local proxy', () => {
  const nsupdate = async (lines: string[]): Promise<void> => {
    const { tsig } = stack;
    const key = `key "${tsig.name}" { algorithm ${tsig.algorithm}; secret "${tsig.secretBase64}"; };\n`;
    await putFile(stack.hosts.client, '/root/admin.key', key, '0600');
    const script = [`server ${dnsServer().host}`, `zone ${stack.topology.zone}`, ...lines, 'send', ''].join(
      '\n',
    );
    await putFile(stack.hosts.client, '/root/update.txt', script);
    await must(stack, 'client', 'nsupdate -v -k /root/admin.key /root/update.txt');
  };
  const rejectedLogs = async (): Promise<number> =>
    Number(
      await sh(
        'proxy',
        "journalctl -u ingress-daemon --no-pager -o cat | grep -c 'never admitted\\|refused' || true",
      ),
    );

  it('0.0.0.0, 127.0.0.1 and 224.0.0.1 on an ingress name are never admitted', async () => {
    const name = egressName(stack.topology, 'ingress-1');
    const good = await allowSet(stack);
    expect(good).toContain(addressOf(stack.topology, 'ingress-1', 'wan1'));
    const hostile = ['0.0.0.0', '127.0.0.1', '224.0.0.1'];
    const logsBefore = await rejectedLogs();
    await nsupdate(hostile.map((a) => `update add ${name} 5 A ${a}`));
    try {
      // Two full refresh periods of the proxy's daemon.
      const bound = (await firewallView(stack)).followBoundMs(5);
      const deadline = Date.now() + 2 * bound;
      while (Date.now() < deadline) {
        const set = await allowSet(stack);
        for (const address of hostile) expect(set).not.toContain(address);
        await sleep(2_000);
      }
      expect(await allowSet(stack)).toEqual(good);
      expect(await rejectedLogs()).toBeGreaterThan(logsBefore);
    } finally {
      await nsupdate(hostile.map((a) => `update delete ${name} A ${a}`));
    }
  }, 300_000);

  it("a reply from another port than the server's is never admitted, though signed and well formed", async () => {
    const name = egressName(stack.topology, 'ingress-1');
    const planted = '192.0.2.77';
    const dns = dnsServer().host;
    // A spoofer's answer: the server's own, but arriving from port 5353 (rewritten on the way in).
    const spoof = [
      'table ip ingress_spoof {',
      '  chain in { type filter hook prerouting priority -300;',
      `    ip saddr ${dns} udp sport 53 udp sport set 5353; }`,
      '}',
    ].join('\n');
    const bound = (await firewallView(stack)).followBoundMs(5);
    await putFile(stack.hosts.proxy, '/root/spoof.nft', `${spoof}\n`);
    await must(stack, 'proxy', 'nft -f /root/spoof.nft');
    await nsupdate([`update add ${name} 5 A ${planted}`]);
    try {
      const deadline = Date.now() + 2 * bound;
      while (Date.now() < deadline) {
        expect(await allowSet(stack)).not.toContain(planted);
        await sleep(2_000);
      }
      // The same answer from the server's port is admitted: only the port kept it out.
      await must(stack, 'proxy', 'nft delete table ip ingress_spoof');
      await waitFor('the planted address once answers come from port 53', 2 * bound, async () =>
        (await allowSet(stack)).includes(planted) ? true : undefined,
      );
    } finally {
      await sh('proxy', 'nft delete table ip ingress_spoof 2>/dev/null; true');
      await nsupdate([`update delete ${name} A ${planted}`]);
    }
  }, 300_000);

  it('a name with 500 addresses is refused as a whole; the last good set stays and status says why', async () => {
    const name = egressName(stack.topology, 'ingress-2');
    const good = await allowSet(stack);
    const flood = Array.from({ length: 500 }, (_, i) => `10.99.${Math.floor(i / 250)}.${(i % 250) + 1}`);
    await nsupdate(flood.map((a) => `update add ${name} 5 A ${a}`));
    try {
      const rejected = await waitFor('the proxy to refuse the flooded name', 120_000, async () => {
        const status = await daemonStatus(stack, 'proxy');
        return status.dnsRejected?.name.includes(name) ? status.dnsRejected : undefined;
      });
      // The 500 planted plus the node's real ones (two WANs, each IPv4 and IPv6), against the bound of 16.
      expect(rejected.value.reason).toBe('too-many-addresses: 504 addresses, more than the bound of 16');
      const set = await allowSet(stack);
      expect(set).toEqual(good);
      expect(set.some((a) => a.startsWith('10.99.'))).toBe(false);
    } finally {
      await nsupdate(flood.map((a) => `update delete ${name} A ${a}`));
    }
  }, 300_000);
});

describe('the daemons’ status on the mesh wants a fleet certificate', () => {
  const yggOf = (host: StackHostName): Promise<string> =>
    sh(host, 'yggdrasil -useconffile /etc/yggdrasil/yggdrasil.conf -address');
  const PKI =
    '--cacert /etc/ingress/pki/ca.pem --cert /etc/ingress/pki/node.crt --key /etc/ingress/pki/node.key';

  it('answers a fleet member over mTLS and refuses anyone without a certificate', async () => {
    const url = `https://[${await yggOf('ingress-2')}]:9105/status`;
    const member = await sh('ingress-1', `curl -sS --max-time 5 ${PKI} '${url}'`);
    expect(Object.keys(JSON.parse(member) as object).sort()).toEqual([
      'allowSet',
      'deadPeers',
      'node',
      'serving',
    ]);
    const anonymous = await stack.hosts['ingress-1'].exec(
      `curl -sS --max-time 5 --cacert /etc/ingress/pki/ca.pem '${url}'`,
    );
    expect(anonymous.rc).not.toBe(0);
    const plain = await stack.hosts['ingress-1'].exec(
      `curl -sS --max-time 5 'http://[${await yggOf('ingress-2')}]:9105/status'`,
    );
    expect(plain.stdout).not.toContain('serving');
  }, 60_000);

  it('the daemons still see each other alive through it', async () => {
    // On a loaded machine one poll may time out; the claim is that they see each other again.
    for (const host of INGRESS_NODES) {
      const want = INGRESS_NODES.filter((n) => n !== host).map((n) => `${n}:true:true`);
      const { value: status } = await waitFor(`${host} to see its peers alive`, 30_000, async () => {
        const got = await daemonStatus(stack, host);
        const peers = got.peers.map((p) => `${p.name}:${p.alive}:${p.lastSeen !== null}`);
        return JSON.stringify(peers) === JSON.stringify(want) && got.witness?.alive ? got : undefined;
      });
      expect(status.witness).toMatchObject({ name: 'proxy', alive: true });
      expect(status.witness?.lastSeen).not.toBeNull();
    }
  }, 90_000);
});
