import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabHost } from '../../../src/lab/lab.js';
import { withBecome } from '../../../src/transport/become.js';
import { SshTransport } from '../../../src/transport/ssh.js';
import type { Transport } from '../../../src/transport/types.js';
import { describeTransportContract } from '../../unit/transport/contract.js';
import { addUser, useLab } from '../support/lab.js';

let host: LabHost;
const lab = useLab(async (l) => {
  await l.createNetwork('net');
  host = await l.startHost({ name: 'target', networks: [{ name: 'net' }] });
  await addUser(l, host, 'alice', 'nopasswd');
  await addUser(l, host, 'bob', 'password');
});

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'ingress-ssh-test-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

const fingerprint = async (type: string): Promise<string> =>
  (await host.exec(`ssh-keygen -lf /etc/ssh/ssh_host_${type}_key.pub`)).stdout.split(' ')[1] ?? 'missing';

describeTransportContract('SshTransport', () => SshTransport.connect(host.connectionSpec()));

describeTransportContract(
  'SshTransport as alice, become root (sudo)',
  async () =>
    withBecome(
      await SshTransport.connect(host.connectionSpec({ user: 'alice' })),
      { become: true, user: 'root', method: 'sudo' },
      { connectedUser: 'alice' },
    ),
  { closeEndsTransport: false },
);

describe('become over SSH', () => {
  let root: Transport;
  let alice: Transport;
  beforeAll(async () => {
    root = await SshTransport.connect(host.connectionSpec());
    alice = await SshTransport.connect(host.connectionSpec({ user: 'alice' }));
  });
  afterAll(async () => {
    await root?.close();
    await alice?.close();
  });

  it('runs as the become user, and as the login user without become', async () => {
    const sudo = withBecome(
      alice,
      { become: true, user: 'root', method: 'sudo' },
      { connectedUser: 'alice' },
    );
    expect((await alice.exec('id -un')).stdout).toBe('alice\n');
    expect((await sudo.exec('id -un; echo $HOME')).stdout).toBe('root\n/root\n');
  });

  it('writes files as the become user when root becomes someone else', async () => {
    const asAlice = withBecome(
      root,
      { become: true, user: 'alice', method: 'sudo' },
      { connectedUser: 'root' },
    );
    await asAlice.put('/home/alice/note.txt', 'hi\n', { mode: 0o644 });
    expect((await root.exec('stat -c "%U %a" /home/alice/note.txt')).stdout).toBe('alice 644\n');
    await expect(asAlice.put('/root/nope.txt', 'x')).rejects.toThrow(
      /cannot write \/root\/nope\.txt on target/,
    );
  });

  it('fails instead of prompting when sudo wants a password', async () => {
    const bob = await SshTransport.connect(host.connectionSpec({ user: 'bob' }));
    try {
      const result = await withBecome(bob, { become: true, user: 'root', method: 'sudo' }).exec('id -un');
      expect(result.rc).not.toBe(0);
      expect(result.stderr).toContain('a password is required');
    } finally {
      await bob.close();
    }
  });
});

describe('SSH authentication and host keys', () => {
  it('reports a refused key as unreachable', async () => {
    const other = ssh2.utils.generateKeyPairSync('ed25519');
    const keyFile = join(scratch, 'other_key');
    await writeFile(keyFile, other.private, { mode: 0o600 });
    await expect(
      SshTransport.connect(host.connectionSpec({ privateKeyFile: keyFile })),
    ).rejects.toMatchObject({
      code: 'E_UNREACHABLE',
      message: expect.stringMatching(/^host unreachable: target .*authentication failed/),
    });
  });

  it('refuses an unknown host key, then accepts and records it with --accept-new-host-keys', async () => {
    const knownHostsFile = join(scratch, 'fresh', 'known_hosts');
    const expected = await fingerprint('ed25519');
    const refused = SshTransport.connect(host.connectionSpec({ knownHostsFile }));
    await expect(refused).rejects.toMatchObject({ code: 'E_HOSTKEY' });
    await expect(refused).rejects.toThrow(
      new RegExp(`not known: ${expected.replace(/[+/]/g, '\\$&')}.*--accept-new-host-keys`),
    );
    const accepted = await SshTransport.connect(
      host.connectionSpec({ knownHostsFile, acceptNewHostKeys: true }),
    );
    await accepted.close();
    expect(await readFile(knownHostsFile, 'utf8')).toMatch(
      new RegExp(`^${host.address.replace(/\./g, '\\.')} ssh-ed25519 `),
    );
    const again = await SshTransport.connect(host.connectionSpec({ knownHostsFile }));
    expect((await again.exec('hostname')).stdout).toBe('target\n');
    await again.close();
  });

  it('refuses a changed host key even with --accept-new-host-keys, showing both fingerprints', async () => {
    const before = await fingerprint('ed25519');
    const regen = await host.exec('rm /etc/ssh/ssh_host_*; ssh-keygen -A && systemctl restart ssh');
    expect(regen.rc).toBe(0);
    const after = await fingerprint('ed25519');
    expect(after).not.toBe(before);
    const attempt = SshTransport.connect(host.connectionSpec({ acceptNewHostKeys: true }));
    await expect(attempt).rejects.toMatchObject({ code: 'E_HOSTKEY' });
    const message = await attempt.catch((err: Error) => err.message);
    expect(message).toContain('CHANGED');
    expect(message).toContain(`expected:  ${before} (ssh-ed25519) from ${lab.current().knownHostsFile}:1`);
    expect(message).toContain(`presented: ${after} (ssh-ed25519)`);
  });

  it('gives E_UNREACHABLE within the connect timeout when the host is down', async () => {
    await host.stop();
    const started = Date.now();
    await expect(
      SshTransport.connect(host.connectionSpec({ connectTimeoutMs: 3_000, acceptNewHostKeys: true })),
    ).rejects.toMatchObject({
      code: 'E_UNREACHABLE',
      message: expect.stringMatching(/^host unreachable: target/),
    });
    expect(Date.now() - started).toBeLessThan(4_500);
  });
});
