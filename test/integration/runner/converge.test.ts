import { labDebian } from '../../../src/lab/image.js';
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { LabHost } from '../../../src/lab/lab.js';
import { parseRecap, runCli } from '../support/cli.js';
import { useLab } from '../support/lab.js';

// Each step runs a whole playbook over SSH; two loaded cores make that slow.
vi.setConfig({ testTimeout: 180_000 });

const fixtures = fileURLToPath(new URL('../../fixtures/integration/converge/', import.meta.url));
const site = join(fixtures, 'site.yml');
const serial = join(fixtures, 'serial.yml');
const names = ['web1', 'web2', 'web3'] as const;
const hosts: Record<string, LabHost> = {};
let inventory = '';
let parityInventory = '';

const lab = useLab(async (l) => {
  await l.createNetwork('net');
  for (const name of [...names, 'parity'])
    hosts[name] = await l.startHost({ name, networks: [{ name: 'net' }] });
  inventory = join(l.workDir, 'hosts.yml');
  const entry = (h: LabHost): string =>
    `        ${h.name}:\n          ansible_host: ${h.address}\n          ansible_user: root\n          ansible_ssh_private_key_file: ${l.keyPair.privateKeyFile}\n`;
  const web = names.map((n) => entry(hosts[n] as LabHost)).join('');
  await writeFile(inventory, `all:\n  children:\n    web:\n      hosts:\n${web}`);
  // The host ansible-playbook provisions, alone in its own inventory.
  parityInventory = join(l.workDir, 'parity.yml');
  await writeFile(
    parityInventory,
    `all:\n  children:\n    web:\n      hosts:\n${entry(hosts['parity'] as LabHost)}`,
  );
});

const play = (playbook: string, ...extra: string[]) =>
  runCli(['play', playbook, '-i', inventory, '--known-hosts', lab.current().knownHostsFile, ...extra]);

const sh = async (name: string, command: string): Promise<string> => {
  const result = await (hosts[name] as LabHost).exec(command);
  return result.stdout.trim();
};

describe('ingress play over SSH to three systemd hosts', () => {
  let first: Awaited<ReturnType<typeof play>>;
  beforeAll(async () => {
    first = await play(site, '--limit', 'web');
  });

  it('converges: package installed, files templated, service enabled and serving', async () => {
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const recap = parseRecap(first.stdout);
    for (const name of names) {
      expect(recap[name]).toMatchObject({ failed: 0, unreachable: 0 });
      expect(recap[name]?.changed).toBeGreaterThanOrEqual(5);
      expect(await sh(name, "dpkg-query -W -f '${Status}' hello")).toBe('install ok installed');
      expect(await sh(name, 'systemctl is-enabled ingress-demo; systemctl is-active ingress-demo')).toBe(
        'enabled\nactive',
      );
      expect(await sh(name, 'stat -c %a /srv/demo/index.html')).toBe('644');
      expect(await sh(name, 'curl -s http://127.0.0.1:8080/')).toContain(
        `served by ${name} (Debian ${labDebian()})`,
      );
    }
  });

  it('runs the handler once after the two tasks that notified it', async () => {
    for (const name of names) expect(await sh(name, 'wc -l < /var/log/ingress-demo-restarts')).toBe('1');
    expect(first.stdout).toMatch(/RUNNING HANDLER \[Restart demo\]/);
  });

  it('reports changed=0 on the second run and leaves the service alone', async () => {
    const second = await play(site, '--limit', 'web');
    expect(second.code).toBe(0);
    const recap = parseRecap(second.stdout);
    for (const name of names) {
      expect(recap[name]).toMatchObject({ changed: 0, failed: 0, unreachable: 0 });
      expect(await sh(name, 'wc -l < /var/log/ingress-demo-restarts')).toBe('1');
    }
  });

  it('--check reports a changed template but changes nothing on the host', async () => {
    const before = await sh('web1', 'sha256sum /srv/demo/index.html');
    const check = await play(site, '--limit', 'web1', '--check', '-e', 'demo_message=checked');
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/TASK \[Render the index page\][^]*?changed: \[web1\]/);
    expect(parseRecap(check.stdout)['web1']?.changed).toBe(1);
    expect(await sh('web1', 'sha256sum /srv/demo/index.html')).toBe(before);
    expect(await sh('web1', 'wc -l < /var/log/ingress-demo-restarts')).toBe('1');
  });

  it('--diff prints the unified diff of the changed template', async () => {
    const diffed = await play(site, '--limit', 'web1', '--diff', '-e', 'demo_message=diffed');
    expect(diffed.code).toBe(0);
    expect(diffed.stdout).toMatch(/^-.*with message: hello<\/p>$/m);
    expect(diffed.stdout).toMatch(/^\+.*with message: diffed<\/p>$/m);
    expect(await sh('web1', 'curl -s http://127.0.0.1:8080/')).toContain('with message: diffed');
  });

  it('serial: 1 updates one host at a time', async () => {
    const rolled = await play(serial, '--limit', 'web');
    expect(rolled.code).toBe(0);
    const spans = [];
    for (const name of names) {
      spans.push({
        start: BigInt(await sh(name, 'cat /tmp/serial-start')),
        end: BigInt(await sh(name, 'cat /tmp/serial-end')),
      });
    }
    spans.sort((a, b) => (a.start < b.start ? -1 : 1));
    for (let i = 1; i < spans.length; i++)
      expect((spans[i] as { start: bigint }).start).toBeGreaterThan((spans[i - 1] as { end: bigint }).end);
  });

  it('reports a stopped host unreachable while the others converge', async () => {
    const web3 = hosts['web3'] as LabHost;
    await web3.stop();
    try {
      const run = await play(site, '--limit', 'web', '--timeout', '5', '-e', 'demo_message=partial');
      expect(run.code).toBe(4);
      const recap = parseRecap(run.stdout);
      expect(recap['web3']).toMatchObject({ unreachable: 1 });
      expect(recap['web1']).toMatchObject({ failed: 0, unreachable: 0 });
      expect(recap['web2']).toMatchObject({ failed: 0, unreachable: 0 });
      expect(run.stdout).toMatch(/fatal: \[web3\]: UNREACHABLE!/);
      expect(await sh('web2', 'curl -s http://127.0.0.1:8080/')).toContain('with message: partial');
    } finally {
      await web3.start();
    }
  });

  it('refuses a host whose key changed and shows both fingerprints', async () => {
    await sh('web2', 'rm /etc/ssh/ssh_host_*; ssh-keygen -A >/dev/null; systemctl restart ssh');
    const run = await play(site, '--limit', 'web1:web2');
    expect(run.code).toBe(4);
    const recap = parseRecap(run.stdout);
    expect(recap['web2']).toMatchObject({ unreachable: 1 });
    expect(recap['web1']).toMatchObject({ failed: 0, unreachable: 0 });
    const start = run.stdout.indexOf('fatal: [web2]: UNREACHABLE!');
    expect(start).toBeGreaterThan(-1);
    const fatal = run.stdout.slice(start, run.stdout.indexOf('PLAY RECAP'));
    expect(fatal).toMatch(/changed/i);
    expect(fatal.match(/SHA256:[A-Za-z0-9+/]{43}/g)?.length).toBe(2);
  });
});

describe('the same playbook under ansible-playbook', () => {
  it('leaves the same state on the host as ingress does', async () => {
    const ansible = spawnSync(
      'ansible-playbook',
      [
        '-i',
        parityInventory,
        site,
        '--ssh-common-args',
        `-o UserKnownHostsFile=${lab.current().knownHostsFile}`,
      ],
      { encoding: 'utf8', env: { ...process.env, ANSIBLE_NOCOLOR: '1' } },
    );
    expect(ansible.status, ansible.stdout + ansible.stderr).toBe(0);
    const state = (name: string) =>
      sh(
        name,
        "dpkg-query -W -f '${Status}\\n' hello; systemctl is-enabled ingress-demo; systemctl is-active ingress-demo; " +
          'stat -c "%a %U" /srv/demo /srv/demo/index.html /etc/systemd/system/ingress-demo.service; ' +
          `sed "s/$(hostname)/HOST/g" /srv/demo/index.html; sha256sum < /etc/systemd/system/ingress-demo.service`,
      );
    expect(await state('parity')).toBe(await state('web1'));
  }, 180_000);
});
