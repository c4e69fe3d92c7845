import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { LabHost } from '../../../src/lab/lab.js';
import type { CliResult } from '../support/cli.js';
import { parseRecap, runCli } from '../support/cli.js';
import { useLab } from '../support/lab.js';

// The corpus installs a dozen packages on two bare hosts; two loaded cores make that slow.
vi.setConfig({ testTimeout: 900_000, hookTimeout: 600_000 });

const corpus = fileURLToPath(new URL('../../fixtures/roles/', import.meta.url));
const site = join(corpus, 'site.yml');
const broken = readdirSync(join(corpus, 'broken')).map((f) => join(corpus, 'broken', f));
const hosts: Record<string, LabHost> = {};
const inventories: Record<string, string> = {};

const lab = useLab(async (l) => {
  await l.createNetwork('net');
  for (const name of ['viaansible', 'viaingress']) {
    const host = await l.startHost({ name, networks: [{ name: 'net' }] });
    hosts[name] = host;
    inventories[name] = join(l.workDir, `${name}.yml`);
    await writeFile(
      inventories[name] as string,
      `all:\n  hosts:\n    ${name}:\n      ansible_host: ${host.address}\n      ansible_user: root\n` +
        `      ansible_ssh_private_key_file: ${l.keyPair.privateKeyFile}\n      ansible_ssh_pipelining: true\n`,
    );
  }
  // ansible-playbook's apt module runs Python on the target and needs python3-apt there.
  const apt = await (hosts['viaansible'] as LabHost).exec(
    'DEBIAN_FRONTEND=noninteractive apt-get update -q && apt-get install -y -q python3-apt',
  );
  if (apt.rc !== 0) throw new Error(`cannot install python3-apt for ansible-playbook: ${apt.stderr}`);
});

function run(command: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const ansible = (...args: string[]) =>
  run('ansible-playbook', args, { ANSIBLE_NOCOLOR: '1', ANSIBLE_HOST_KEY_CHECKING: 'False' });

const ingressPlay = (...args: string[]) =>
  runCli(['play', ...args, '--known-hosts', lab.current().knownHostsFile], { timeoutMs: 900_000 });

/** What both runs must leave alike: files and modes, packages, services, users, cron, firewall. */
const STATE = [
  "dpkg-query -W -f '${Package} ${Status}\\n' openssh-server fail2ban unattended-upgrades nftables haproxy nodejs npm certbot cron 2>&1",
  'for s in ssh fail2ban nftables haproxy nodeapp; do echo "$s $(systemctl is-enabled $s) $(systemctl is-active $s)"; done',
  'for f in /etc/ssh/sshd_config /etc/fail2ban/jail.local /etc/apt/apt.conf.d/20auto-upgrades ' +
    '/etc/apt/apt.conf.d/52unattended-upgrades-local /etc/nftables.conf /etc/haproxy/haproxy.cfg ' +
    '/etc/haproxy/backends.json /srv/nodeapp/server.js /etc/systemd/system/nodeapp.service ' +
    '/etc/letsencrypt/renewal-hooks/deploy/reload-services.sh /etc/letsencrypt/renewal-hooks/deploy/services ' +
    '/etc/corpus-platform-note; ' +
    'do echo "$f $(stat -c "%a %U %G" $f) $(sed "s/$(hostname)/HOST/g" $f | sha256sum | cut -c1-16)"; done',
  'stat -c "%n %a %U %G" /srv/nodeapp /var/www/letsencrypt/.well-known/acme-challenge',
  'getent passwd nodeapp | cut -d: -f1,6,7; getent group sshusers nodeapp | cut -d: -f1',
  'crontab -l -u root 2>/dev/null',
  'nft list ruleset',
].join('; echo ---; ');

const stateOf = async (name: string): Promise<string> => (await (hosts[name] as LabHost).exec(STATE)).stdout;

describe('the role corpus on bare Debian: ansible-playbook on one host, ingress play on another', () => {
  let viaAnsible: CliResult;
  let viaIngress: CliResult;
  let ansibleMs = 0;
  let ingressMs = 0;

  beforeAll(async () => {
    const knownHosts = `-o UserKnownHostsFile=${lab.current().knownHostsFile}`;
    let start = Date.now();
    viaAnsible = await ansible(
      '-i',
      inventories['viaansible'] as string,
      site,
      '--ssh-common-args',
      knownHosts,
    );
    ansibleMs = Date.now() - start;
    start = Date.now();
    viaIngress = await ingressPlay(site, '-i', inventories['viaingress'] as string);
    ingressMs = Date.now() - start;
    // Both runs install a dozen packages on bare hosts, one after the other.
  }, 1_800_000);

  it('both runs succeed', () => {
    expect(viaAnsible.code, viaAnsible.stdout + viaAnsible.stderr).toBe(0);
    expect(viaIngress.code, viaIngress.stdout + viaIngress.stderr).toBe(0);
    expect(parseRecap(viaIngress.stdout)['viaingress']).toMatchObject({ failed: 0, unreachable: 0 });
  });

  it('leave the same state: files, modes, packages, services, users, cron and firewall rules', async () => {
    const [a, b] = [await stateOf('viaansible'), await stateOf('viaingress')];
    expect(b).toContain('tcp dport 443 accept');
    expect(b).toBe(a);
  });

  it('a second ingress play reports changed=0', async () => {
    const second = await ingressPlay(site, '-i', inventories['viaingress'] as string);
    expect(second.code, second.stdout).toBe(0);
    expect(parseRecap(second.stdout)['viaingress']).toMatchObject({ changed: 0, failed: 0 });
  });

  it('prints how much faster ingress was', () => {
    const ratio = ansibleMs / Math.max(ingressMs, 1);
    console.log(
      `role corpus: ansible-playbook ${(ansibleMs / 1000).toFixed(1)} s, ingress play ${(ingressMs / 1000).toFixed(1)} s, ` +
        `ratio ${ratio.toFixed(2)}x`,
    );
    expect(ratio).toBeGreaterThan(0);
  });
});

describe('--syntax-check agrees with ansible-playbook --syntax-check', () => {
  it.each([site, ...broken])('%s', async (playbook) => {
    const theirs = await ansible('-i', 'localhost,', '--syntax-check', playbook);
    const ours = await runCli(['play', playbook, '--syntax-check']);
    // The same exit status: 0, 4 for a playbook that does not parse, 1 for a missing file or role.
    expect(ours.code, `${ours.stdout}${ours.stderr}\n--- ansible:\n${theirs.stdout}${theirs.stderr}`).toBe(
      theirs.code,
    );
    if (theirs.code === 0) expect(ours.stdout.trim()).toBe(theirs.stdout.trim());
  });
});
