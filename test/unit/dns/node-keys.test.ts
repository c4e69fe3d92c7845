import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseKeyFile } from '../../../src/dns/key-file.js';
import { ensureNodeKeys, nodeKeyDir, updatePolicyRules } from '../../../src/dns/node-keys.js';

const tempDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'node-keys-'));

describe('per-node TSIG keys', () => {
  it('makes one distinct key per node, 0600 in a 0700 folder, named <host>.<suffix>', async () => {
    const dir = join(await tempDir(), 'dns');
    const made = await ensureNodeKeys(dir, ['ingress-1', 'ingress-2', 'proxy'], 'ingress-update');
    expect(made.created).toEqual(['ingress-1', 'ingress-2', 'proxy']);
    const secrets = new Set([...made.keys.values()].map((k) => k.secret));
    expect(secrets.size).toBe(3);
    expect(made.keys.get('ingress-1')?.name).toBe('ingress-1.ingress-update');
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    const file = join(dir, 'ingress-1.key');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(parseKeyFile(await readFile(file, 'utf8'), file)).toEqual([made.keys.get('ingress-1')]);
  });

  it('keeps existing keys and removes the key of a host that left the fleet', async () => {
    const dir = await tempDir();
    const first = await ensureNodeKeys(dir, ['ingress-1', 'ingress-2'], 'k');
    const second = await ensureNodeKeys(dir, ['ingress-1'], 'k');
    expect(second.created).toEqual([]);
    expect(second.removed).toEqual(['ingress-2']);
    expect(second.keys.get('ingress-1')).toEqual(first.keys.get('ingress-1'));
    expect(await readdir(dir)).toEqual(['ingress-1.key']);
  });

  it('makes a new key when the suffix changes rather than reusing the secret', async () => {
    const dir = await tempDir();
    const first = await ensureNodeKeys(dir, ['a'], 'old');
    const second = await ensureNodeKeys(dir, ['a'], 'new');
    expect(second.keys.get('a')?.name).toBe('a.new');
    expect(second.keys.get('a')?.secret).not.toBe(first.keys.get('a')?.secret);
  });

  it('refuses a damaged key file, naming it', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'a.key'), 'key "a.k" { algorithm hmac-md5; secret "AAAA"; };\n');
    await expect(ensureNodeKeys(dir, ['a'], 'k')).rejects.toMatchObject({
      code: 'E_CONFIG',
      location: { file: join(dir, 'a.key') },
    });
  });

  it('keeps the keys beside the CA folder, never inside it', () => {
    expect(nodeKeyDir('/inv/.ingress-state/pki')).toBe('/inv/.ingress-state/dns');
    expect(nodeKeyDir('/srv/state')).toBe('/srv/state-dns');
  });
});

describe('update-policy rules', () => {
  it('grants each key only its names, A and AAAA', () => {
    const rules = updatePolicyRules(
      [
        { node: 'ingress-1', names: ['app.example.net', 'app.example.net'] },
        { node: 'proxy', names: ['proxy.mesh.example.net.'] },
      ],
      'ingress-update',
    );
    expect(rules).toEqual([
      'grant ingress-1.ingress-update name app.example.net. A AAAA;',
      'grant proxy.ingress-update name proxy.mesh.example.net. A AAAA;',
    ]);
  });

  it('grants TXT only on the TXT names given, and A/AAAA only on the others', () => {
    const rules = updatePolicyRules(
      [
        {
          node: 'proxy',
          names: ['proxy.mesh.example.net', 'mesh.app.example.net'],
          txtNames: ['_acme-challenge.mesh.app.example.net'],
        },
      ],
      'ingress-update',
    );
    expect(rules).toEqual([
      'grant proxy.ingress-update name proxy.mesh.example.net. A AAAA;',
      'grant proxy.ingress-update name mesh.app.example.net. A AAAA;',
      'grant proxy.ingress-update name _acme-challenge.mesh.app.example.net. TXT;',
    ]);
  });

  it('refuses a TXT name that would add a statement to named.conf', () => {
    expect(() =>
      updatePolicyRules([{ node: 'a', names: [], txtNames: ['_acme-challenge.x.net. ANY;'] }], 'k'),
    ).toThrow(/not a plain DNS name/);
  });

  it('refuses a name that would add a statement to named.conf', () => {
    expect(() =>
      updatePolicyRules([{ node: 'a', names: ['x.net. ANY; grant evil zonesub ANY'] }], 'k'),
    ).toThrow(/not a plain DNS name/);
  });
});
