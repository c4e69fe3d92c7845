// The health daemon's bundle running for real under systemd, against HAProxy, BIND and nftables.
import { labDebian } from '../../../src/lab/image.js';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { registerStatusCommand } from '../../../src/cli/commands/status.js';
import { useLab } from '../support/lab.js';
import { waitFor } from '../../support/wait.js';
import { buildDaemonLab, DAEMON_UNIT, must, NETS, type DaemonLab } from './daemon-lab.js';
import {
  counter,
  daemonMetrics,
  daemonStatus,
  digA,
  haproxyServers,
  nftAllowSet,
  pathStates,
} from './observe.js';
import { sleep } from '../../../src/time/sleep.js';

let topo: DaemonLab | undefined;
const lab = useLab(async (l) => {
  topo = await buildDaemonLab(l);
});
const t = (): DaemonLab => {
  if (!topo) throw new Error('lab not built');
  return topo;
};
afterAll(async () => {
  await topo?.ingress.ssh.close();
  await topo?.proxy.ssh.close();
});

const BAD_CONFIG = new URL('../../fixtures/daemon/lab/bad-daemon.yml', import.meta.url);
const INGRESS_PUBLIC = `${NETS.mgmt}.10`;
const allUp = { wan1: 'up', wan2: 'up', mesh: 'up' };
const when = <T>(ok: boolean, value: T): T | undefined => (ok ? value : undefined);

describe('ingress daemon on lab hosts', { timeout: 60_000 }, () => {
  it("starts from its config under systemd on Debian's Node.js and serves /status and /metrics on loopback only", async () => {
    const { ingress, proxy } = t();
    // Debian 13 ships Node.js 20, Debian 12 Node.js 18: the bundle targets the older.
    expect(await must(ingress.host, 'node --version')).toMatch(labDebian() === 13 ? /^v20\./ : /^v18\./);
    await waitFor('every path up', async () => {
      const states = await pathStates(ingress.host);
      return when(JSON.stringify(states) === JSON.stringify(allUp), states);
    });
    const metrics = await daemonMetrics(ingress.host);
    expect(metrics).toContain('ingress_path_up{path="wan1"} 1');
    expect(metrics).toContain('ingress_path_up{path="mesh"} 1');
    // Nothing listens on the node's other addresses.
    const outside = await proxy.host.exec(`curl -sS --max-time 2 http://${INGRESS_PUBLIC}:9105/status`);
    expect(outside.rc).not.toBe(0);
    // The mesh backup stays ready: HAProxy's `backup` flag alone decides when it carries traffic.
    const servers = await waitFor('HAProxy servers ready', async () => {
      const rows = await haproxyServers(ingress.host);
      return when(
        Object.values(rows).every((r) => r.admin === 'ready' && r.operational),
        rows,
      );
    });
    expect(Object.keys(servers).sort()).toEqual(['mesh', 'wan1', 'wan2']);
  });

  it('refuses a bad config at start, naming file, line and field', async () => {
    const { ingress } = t();
    await ingress.ssh.put('/etc/ingress/bad.yml', await readFile(BAD_CONFIG, 'utf8'));
    const bad = await ingress.host.exec('node /opt/ingress/daemon.cjs --config /etc/ingress/bad.yml');
    // E_CONFIG through the one exit-code map (errors.ts): 65, as sysexits EX_DATAERR.
    expect(bad.rc).toBe(65);
    expect(bad.stderr).toContain(
      '/etc/ingress/bad.yml:7 (paths[0].port): paths[0].port must be a whole number from 1 to 65535, got 99999',
    );
  });

  it('marks a cut WAN down with a reason, HAProxy drains it, and brings it back on restore', async () => {
    const { ingress, proxy } = t();
    await lab.current().disconnectNetwork(proxy.host, 'wan1');
    const down = await waitFor('wan1 down', async () => {
      const status = await daemonStatus(ingress.host);
      return status.paths.find((p) => p.name === 'wan1' && p.state === 'down');
    });
    expect(down.reason).not.toBe('');
    const cut = await waitFor('HAProxy wan1 drained and DOWN', async () => {
      const rows = await haproxyServers(ingress.host);
      return when(rows.wan1?.admin === 'drain' && rows.wan1.operational === false, rows);
    });
    expect(cut.wan2?.admin).toBe('ready');
    expect(cut.mesh?.admin).toBe('ready');
    await lab.current().connectNetwork(proxy.host, 'wan1', `${NETS.wan1}.20`);
    await waitFor('wan1 up again', async () => when((await pathStates(ingress.host)).wan1 === 'up', true));
    await waitFor('HAProxy wan1 ready and UP', async () => {
      const rows = await haproxyServers(ingress.host);
      return when(rows.wan1?.admin === 'ready' && rows.wan1.operational, true);
    });
  });

  it('publishes its A record while a path is up, withdraws it when every path is down, republishes after', async () => {
    const { ingress, proxy, dns } = t();
    await waitFor('published', async () =>
      when((await digA(dns, 'www.lab.test')).includes(INGRESS_PUBLIC), true),
    );
    expect(await digA(dns, 'www.lab.test')).toEqual([INGRESS_PUBLIC, '192.0.2.1']);
    // The proxy's HAProxy going away takes down every path: both WANs and the mesh.
    await must(proxy.ssh, 'systemctl stop haproxy');
    await waitFor('withdrawn', async () =>
      when((await digA(dns, 'www.lab.test')).join() === '192.0.2.1', true),
    );
    const status = await daemonStatus(ingress.host);
    expect(status.serving).toBe(false);
    expect(status.paths.map((p) => p.state)).toEqual(['down', 'down', 'down']);
    await must(proxy.ssh, 'systemctl start haproxy');
    await waitFor('republished', async () =>
      when((await digA(dns, 'www.lab.test')).includes(INGRESS_PUBLIC), true),
    );
  });

  it('local mode: the allow-set follows an ingress name within its TTL, and survives BIND going away', async () => {
    const { proxy, dns } = t();
    await waitFor('allow-set seeded', async () =>
      when((await nftAllowSet(proxy.host)).join() === `${NETS.wan1}.10`, true),
    );
    const started = Date.now();
    await must(
      dns,
      `nsupdate -k /etc/bind/ingress/update.key <<'EOF'\nserver 127.0.0.1\nzone lab.test\nupdate delete ingress.lab.test A\nupdate add ingress.lab.test 5 A ${NETS.wan1}.11\nsend\nEOF`,
    );
    await waitFor('allow-set follows', async () =>
      when((await nftAllowSet(proxy.host)).join() === `${NETS.wan1}.11`, true),
    );
    // TTL 5 s (maxTtlS 5) plus one read and one nft transaction.
    expect(Date.now() - started).toBeLessThan(8_000);
    const updatesBefore = counter(
      await daemonMetrics(proxy.host),
      'ingress_firewall_updates_total{result="ok"}',
    );
    await must(dns, 'systemctl stop lab-named');
    await sleep(12_000);
    expect(await nftAllowSet(proxy.host)).toEqual([`${NETS.wan1}.11`]);
    const metrics = await daemonMetrics(proxy.host);
    expect(counter(metrics, 'ingress_firewall_updates_total{result="ok"}')).toBe(updatesBefore);
    expect(counter(metrics, 'ingress_firewall_updates_total{result="error"}')).toBe(0);
    expect((await daemonStatus(proxy.host)).allowSet).toEqual([`${NETS.wan1}.11`]);
    // The daemon did try, and failed, to read DNS meanwhile: BIND really was gone.
    const journal = await must(proxy.host, `journalctl -u ${DAEMON_UNIT} --no-pager -o cat`);
    expect(journal).toContain('DNS read failed; keeping last known good');
    await must(dns, 'systemd-run --unit=lab-named named -f -c /etc/bind/ingress/named.conf');
  });

  it('is restarted by systemd after kill -9', async () => {
    const { ingress } = t();
    const pid = (await must(ingress.host, `systemctl show -p MainPID --value ${DAEMON_UNIT}`)).trim();
    expect(Number(pid)).toBeGreaterThan(0);
    await must(ingress.host, `kill -9 ${pid}`);
    await waitFor('a new daemon process', async () => {
      const now = (await must(ingress.host, `systemctl show -p MainPID --value ${DAEMON_UNIT}`)).trim();
      return when(now !== pid && now !== '0', now);
    });
    expect(
      Number(await must(ingress.host, `systemctl show -p NRestarts --value ${DAEMON_UNIT}`)),
    ).toBeGreaterThan(0);
    await waitFor('serving again', async () =>
      when((await daemonStatus(ingress.host)).serving === true, true),
    );
  });

  it('`ingress status -i` prints one table of the fleet', async () => {
    const current = lab.current();
    const inventory = join(current.workDir, 'hosts.yml');
    await writeFile(
      inventory,
      `all:\n  hosts:\n    ingress: { ansible_host: ${INGRESS_PUBLIC} }\n    proxy: { ansible_host: ${NETS.mgmt}.20 }\n  vars:\n    ansible_user: root\n    ansible_ssh_private_key_file: ${current.keyPair.privateKeyFile}\n`,
    );
    const out: string[] = [];
    const spy = vi
      .spyOn(process.stdout, 'write')
      .mockImplementation((chunk) => (out.push(String(chunk)), true));
    let code = -1;
    const program = new Command().exitOverride();
    registerStatusCommand(program, (c) => (code = c));
    try {
      await program.parseAsync(['status', '-i', inventory, '--known-hosts', current.knownHostsFile], {
        from: 'user',
      });
    } finally {
      spy.mockRestore();
    }
    const lines = out.join('').trimEnd().split('\n');
    expect(code).toBe(0);
    expect(lines[0]).toMatch(/^HOST\s+MODE\s+SERVING\s+PATHS\s+DNS PUBLISHED\s+ALLOW-SET\s+CERT DAYS$/);
    const ingressRow = lines.find((l) => l.startsWith('ingress '));
    const proxyRow = lines.find((l) => l.startsWith('proxy '));
    // Paths grouped by family (this lab's WANs are IPv4), records with both families.
    expect(ingressRow).toMatch(
      /ingress\s+ingress\s+yes\s+IPv4 wan1 up [\d.]+ms, wan2 up [\d.]+ms; mesh up [\d.]+ms/,
    );
    expect(ingressRow).toContain(`www.lab.test A=${INGRESS_PUBLIC},192.0.2.1 AAAA=`);
    expect(ingressRow).toMatch(/\s29$/);
    expect(proxyRow).toMatch(/proxy\s+local\s+yes\s+-\s+/);
    expect(proxyRow).toContain(`ingress.lab.test A=${NETS.wan1}.11`);
    expect(proxyRow).toContain(`  ingress_v4=${NETS.wan1}.11; ingress_v6=(empty)  `);
  });

  it('with the daemon stopped and both WANs cut, HAProxy alone fails over to the mesh backup', async () => {
    const { ingress, proxy } = t();
    const current = lab.current();
    await must(ingress.ssh, `systemctl stop ${DAEMON_UNIT}`);
    await current.disconnectNetwork(proxy.host, 'wan1');
    await current.disconnectNetwork(proxy.host, 'wan2');
    try {
      const rows = await waitFor('HAProxy to mark both WANs DOWN', async () => {
        const servers = await haproxyServers(ingress.host);
        return when(!servers.wan1?.operational && !servers.wan2?.operational, servers);
      });
      expect(rows.mesh).toMatchObject({ admin: 'ready', operational: true });
      // A client's request through the relay reaches the proxy over the mesh network.
      const answer = await must(
        ingress.host,
        'curl -sS --max-time 3 --cacert /etc/ingress/ca.pem --cert /etc/ingress/node.crt ' +
          '--key /etc/ingress/node.key --resolve proxy:443:127.0.0.1 https://proxy/healthz',
      );
      expect(answer).toBe('ok');
    } finally {
      await current.connectNetwork(proxy.host, 'wan1', `${NETS.wan1}.20`);
      await current.connectNetwork(proxy.host, 'wan2', `${NETS.wan2}.20`);
      await must(ingress.ssh, `systemctl start ${DAEMON_UNIT}`);
    }
  });
});
