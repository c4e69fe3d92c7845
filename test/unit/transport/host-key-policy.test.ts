import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadHostKeyPolicy } from '../../../src/transport/host-key-policy.js';
import type { ConnectionSpec } from '../../../src/transport/types.js';

const keys = JSON.parse(
  await readFile(new URL('../../fixtures/transport/keys.json', import.meta.url), 'utf8'),
) as Record<'k1' | 'k2', { base64: string; fingerprint: string }>;
const blob = (name: 'k1' | 'k2'): Buffer => Buffer.from(keys[name].base64, 'base64');

describe('host key policy', () => {
  let dir: string;
  let spec: ConnectionSpec;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ingress-kh-'));
    spec = {
      hostName: 'web1',
      connection: 'ssh',
      address: '10.9.0.2',
      port: 2222,
      user: 'root',
      connectTimeoutMs: 1_000,
      knownHostsFile: join(dir, 'nested', 'known_hosts'),
      acceptNewHostKeys: false,
    };
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('refuses an unknown host and tells the user about --accept-new-host-keys', async () => {
    const err = await (await loadHostKeyPolicy(spec)).verify(blob('k1'));
    expect(err?.code).toBe('E_HOSTKEY');
    expect(err?.message).toContain(keys.k1.fingerprint);
    expect(err?.message).toContain('--accept-new-host-keys');
  });

  it('with --accept-new-host-keys, records the key in a 0600 file and trusts it next time', async () => {
    expect(
      await (await loadHostKeyPolicy({ ...spec, acceptNewHostKeys: true })).verify(blob('k1')),
    ).toBeUndefined();
    expect(await readFile(spec.knownHostsFile, 'utf8')).toBe(
      `[10.9.0.2]:2222 ssh-ed25519 ${keys.k1.base64}\n`,
    );
    expect((await stat(spec.knownHostsFile)).mode & 0o777).toBe(0o600);
    expect(await (await loadHostKeyPolicy(spec)).verify(blob('k1'))).toBeUndefined();
  });

  it('refuses a changed key even with --accept-new-host-keys, showing both fingerprints, file and line', async () => {
    await (await loadHostKeyPolicy({ ...spec, acceptNewHostKeys: true })).verify(blob('k1'));
    const policy = await loadHostKeyPolicy({ ...spec, acceptNewHostKeys: true });
    const err = await policy.verify(blob('k2'));
    expect(err?.code).toBe('E_HOSTKEY');
    expect(err?.message).toContain('CHANGED');
    expect(err?.message).toContain(
      `expected:  ${keys.k1.fingerprint} (ssh-ed25519) from ${spec.knownHostsFile}:1`,
    );
    expect(err?.message).toContain(`presented: ${keys.k2.fingerprint}`);
    expect(err?.location).toEqual({ file: spec.knownHostsFile, line: 1 });
  });

  it('asks the server for the key type it already knows first', async () => {
    await writeFile(
      join(dir, 'kh'),
      `[10.9.0.2]:2222 ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBEaqwaIMzYkslYFuZg1WhutnZxOS9SsQVhpL5L8euuy9iiNotIHzL32tW2zU1uS7ucr2uNP7kcAAuSWSFSFtQOM=\n`,
    );
    const policy = await loadHostKeyPolicy({ ...spec, knownHostsFile: join(dir, 'kh') });
    expect(policy.algorithms[0]).toBe('ecdsa-sha2-nistp256');
    expect(policy.algorithms).toContain('ssh-ed25519');
  });
});
