import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabHost } from '../../../src/lab/lab.js';
import { parseRecap } from '../support/cli.js';
import { useLab } from '../support/lab.js';

/**
 * `ingress` as a user installs it: `npm pack` (which builds), then a global install of
 * the tarball without devDependencies into an empty prefix, run from an empty folder,
 * with nothing of this repository on its module path.
 */
const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
// Packing builds the project and installing fetches the dependencies; both are slow here.
const INSTALL_TIMEOUT_MS = 600_000;

let work = '';
let ingress = '';
let host: LabHost | undefined;

/**
 * What the CLI's bundle leaves to run time, and why: everything else is bundled, so the package
 * depends on these alone. A new one must be listed here, and installed if the CLI needs it.
 */
const RUN_TIME_REQUIRES: Record<string, 'needed' | 'optional'> = {
  // Docker's client, for the lab commands.
  testcontainers: 'needed',
  // ssh2's native crypto and its CPU probe: ssh2 falls back to JavaScript without them.
  'ssh2/lib/protocol/crypto/build/Release/sshcrypto.node': 'optional',
  'cpu-features': 'optional',
  // nunjucks' file watcher, which we never turn on.
  chokidar: 'optional',
};

const installedPackage = (): string => join(work, 'prefix', 'lib', 'node_modules', 'ingress');

async function packAndInstall(): Promise<void> {
  work = await mkdtemp(join(tmpdir(), 'ingress-packed-'));
  const packed = await run('npm', ['pack', '--pack-destination', work], {
    cwd: REPO,
    timeout: INSTALL_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
  });
  const tarball = packed.stdout.trim().split('\n').pop() ?? '';
  const prefix = join(work, 'prefix');
  await run(
    'npm',
    ['install', '--global', '--omit=dev', '--no-audit', '--no-fund', '--prefix', prefix, join(work, tarball)],
    { cwd: work, timeout: INSTALL_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 },
  );
  ingress = join(prefix, 'bin', 'ingress');
}

/** Runs the installed `ingress` from the empty work folder; a non-zero exit is returned, not thrown. */
async function runIngress(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(ingress, args, {
      cwd: work,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: work, NO_COLOR: '1' },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const lab = useLab(async (l) => {
  await l.createNetwork('net');
  host = await l.startHost({ name: 'packed', networks: [{ name: 'net' }] });
});

beforeAll(packAndInstall, INSTALL_TIMEOUT_MS * 2);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the packed tarball, installed without devDependencies', () => {
  it('prints its version, with no build tool installed beside it', async () => {
    const pkg = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as { version: string };
    const result = await runIngress(['--version']);
    expect(result).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    const installed = await readdir(join(installedPackage(), 'node_modules'));
    expect(installed.filter((name) => ['esbuild', 'typescript', 'tsx', 'vitest'].includes(name))).toEqual([]);
    const shipped = join(installedPackage(), 'dist', 'node');
    expect(await readdir(shipped)).toEqual(expect.arrayContaining(['ingress-node.js', 'ingress-daemon.js']));
    const cli = join(installedPackage(), 'dist', 'cli');
    expect((await readdir(cli)).sort()).toEqual(['ingress.cjs', 'launch.cjs']);
  });

  it('installs what its bundle requires at run time, and nothing it bundled', async () => {
    const bundle = await readFile(join(installedPackage(), 'dist', 'cli', 'ingress.cjs'), 'utf8');
    const builtins = new Set(builtinModules);
    const required = [...bundle.matchAll(/\brequire\("([^"]+)"\)/g)]
      .map((m) => m[1] ?? '')
      .filter((id) => !id.startsWith('node:') && !id.startsWith('.') && !builtins.has(id));
    expect([...new Set(required)].sort()).toEqual(Object.keys(RUN_TIME_REQUIRES).sort());
    const fromBundle = createRequire(join(installedPackage(), 'dist', 'cli', 'ingress.cjs'));
    for (const [id, need] of Object.entries(RUN_TIME_REQUIRES))
      if (need === 'needed') expect(fromBundle.resolve(id), id).toContain(installedPackage());
    const installed = await readdir(join(installedPackage(), 'node_modules'));
    expect(
      installed.filter((name) =>
        ['commander', 'pino', 'nunjucks', 'prom-client', 'dns-packet'].includes(name),
      ),
    ).toEqual([]);
  });

  it('makes a CA and issues a certificate whose key only its owner reads', async () => {
    const init = await runIngress(['ca', 'init', '--state-dir', 'pki']);
    expect(init).toMatchObject({ code: 0, stderr: '' });
    const issue = await runIngress([
      'ca',
      'issue',
      'web',
      '--san',
      'web.example.test',
      '--out',
      'web',
      '--state-dir',
      'pki',
    ]);
    expect(issue).toMatchObject({ code: 0, stderr: '' });
    const cert = new X509Certificate(await readFile(join(work, 'web', 'web.crt')));
    const ca = new X509Certificate(await readFile(join(work, 'web', 'ca.pem')));
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.subjectAltName).toBe('DNS:web.example.test');
    expect((await stat(join(work, 'web', 'web.key'))).mode & 0o777).toBe(0o600);
  });

  it('plays a playbook against a container over SSH, then finds nothing to change', async () => {
    const l = lab.current();
    const target = host as LabHost;
    const inventory = join(work, 'hosts.yml');
    await writeFile(
      inventory,
      `all:\n  hosts:\n    packed:\n      ansible_host: ${target.address}\n      ansible_user: root\n      ansible_ssh_private_key_file: ${l.keyPair.privateKeyFile}\n`,
    );
    const playbook = join(work, 'site.yml');
    await writeFile(
      playbook,
      [
        '- hosts: all',
        '  gather_facts: false',
        '  tasks:',
        '    - name: leave a mark',
        '      copy: { content: "installed from the tarball\\n", dest: /root/packed.txt, mode: "0644" }',
        '',
      ].join('\n'),
    );
    const play = () => runIngress(['play', playbook, '-i', inventory, '--known-hosts', l.knownHostsFile]);
    const first = await play();
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(parseRecap(first.stdout)['packed']).toMatchObject({ changed: 1, failed: 0, unreachable: 0 });
    expect((await target.exec('cat /root/packed.txt')).stdout).toBe('installed from the tarball\n');
    // The first run left V8's compiled code in the user's cache; the second runs from it.
    const cacheDir = join(work, '.cache', 'ingress', 'code-cache');
    const plays = (await readdir(cacheDir)).filter((name) => name.startsWith('play-'));
    expect(plays).toEqual([expect.stringMatching(/^play-[0-9a-f]{32}\.v8$/)]);
    const again = await play();
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(parseRecap(again.stdout)['packed']).toMatchObject({ changed: 0, failed: 0, unreachable: 0 });
  });
});
