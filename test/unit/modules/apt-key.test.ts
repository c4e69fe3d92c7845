import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { aptKeyModule, parseAptKeyArgs, TRUSTED_DIR } from '../../../src/modules/apt-key.js';
import { readPgpKeys } from '../../../src/modules/openpgp-key.js';
import { makeCtx, ok, ScriptedRemote } from './fakes.js';

const dir = fileURLToPath(new URL('../../fixtures/apt-key/', import.meta.url));
const read = (name: string) => readFileSync(`${dir}${name}`);
// Fingerprints as `gpg --show-keys --with-colons` printed them for the same files.
const fpr = (name: string) => read(`${name}.fingerprints`).toString().trim();
const EXAMPLE = fpr('example');
const DEBIAN = fpr('debian-trixie-stable');
const exampleAsc = read('example.asc');
const listing = (...files: [string, Buffer][]) =>
  files.map(([p, c]) => `${p}\t${c.toString('base64')}\n`).join('');

describe('OpenPGP keys read on the controller', () => {
  it('finds the fingerprints gpg finds, armored or binary, v4 keys of any algorithm', () => {
    expect(readPgpKeys(exampleAsc)).toEqual({ keys: [{ fingerprint: EXAMPLE, subkeys: [] }], armored: true });
    expect(readPgpKeys(read('example.gpg'))?.keys[0]?.fingerprint).toBe(EXAMPLE);
    expect(readPgpKeys(read('debian-trixie-stable.gpg'))?.keys[0]?.fingerprint).toBe(DEBIAN);
  });

  it('refuses what is not a public key', () => {
    expect(readPgpKeys(Buffer.from('<html>404 not found</html>'))).toBeUndefined();
    expect(
      readPgpKeys(
        Buffer.from('-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n!!!\n-----END PGP PUBLIC KEY BLOCK-----'),
      ),
    ).toBeUndefined();
  });
});

describe('apt_key arguments', () => {
  it('needs an id to remove and a source to add; keyserver is refused by name', () => {
    expect(() => parseAptKeyArgs({ state: 'absent' })).toThrow(/apt_key: id: is required with state absent/);
    expect(() => parseAptKeyArgs({ id: 'ABCD1234' })).toThrow(/one of url, data or file is required/);
    expect(() => parseAptKeyArgs({ id: 'ABCD1234', keyserver: 'keyserver.ubuntu.com' })).toThrow(
      /keyserver: is not supported/,
    );
    expect(() => parseAptKeyArgs({ id: 'xyz', data: 'k' })).toThrow(/id: must be a key id/);
    expect(() => parseAptKeyArgs({ data: 'k', keyring: '/etc/apt/x;rm' })).toThrow(
      /keyring: must be an absolute path/,
    );
    expect(parseAptKeyArgs({ id: '0x' + EXAMPLE.slice(-8).toLowerCase(), data: 'k' }).id).toBe(
      EXAMPLE.slice(-8),
    );
  });
});

describe('apt_key on a host without apt-key', () => {
  const dest = `${TRUSTED_DIR}/${EXAMPLE.slice(-16)}.asc`;

  it('writes the key to its own file in trusted.gpg.d, then changes nothing', async () => {
    const remote = new ScriptedRemote([
      [/^for f in/, ok('')],
      [/mktemp|mv -f|\bmv\b/, ok('')],
    ]);
    const first = await aptKeyModule.run({ data: exampleAsc.toString(), id: EXAMPLE }, makeCtx(remote));
    expect(first).toMatchObject({ changed: true, dest, fingerprints: [EXAMPLE] });
    expect(remote.commands.some((c) => c.includes(dest))).toBe(true);
    const again = new ScriptedRemote([[/^for f in/, ok(listing([dest, exampleAsc]))]]);
    expect(await aptKeyModule.run({ data: exampleAsc.toString() }, makeCtx(again))).toMatchObject({
      changed: false,
      dest,
    });
  });

  it('downloads nothing when the id is already trusted', async () => {
    const remote = new ScriptedRemote([[/^for f in/, ok(listing([`${TRUSTED_DIR}/other.asc`, exampleAsc]))]]);
    const url = 'https://repo.example.test/key.asc';
    expect(await aptKeyModule.run({ url, id: EXAMPLE.slice(-16) }, makeCtx(remote))).toEqual({
      changed: false,
    });
    expect(remote.commands.some((c) => c.includes('curl'))).toBe(false);
  });

  it('fails when the key is not the id asked for, or is not a key', async () => {
    const remote = new ScriptedRemote([
      [/^for f in/, ok('')],
      [/curl/, ok(read('debian-trixie-stable.gpg').toString('base64'))],
      [/base64 -w0 \/tmp\/page/, ok(Buffer.from('not a key').toString('base64'))],
    ]);
    const wrong = await aptKeyModule.run(
      { url: 'https://repo.example.test/key.gpg', id: EXAMPLE },
      makeCtx(remote),
    );
    expect(wrong).toMatchObject({ failed: true, changed: false });
    expect(wrong.msg).toBe(`the key ${DEBIAN} from https://repo.example.test/key.gpg is not id ${EXAMPLE}`);
    const junk = await aptKeyModule.run({ file: '/tmp/page' }, makeCtx(remote));
    expect(junk).toMatchObject({ failed: true, msg: '/tmp/page holds no OpenPGP public key' });
  });

  it('removes the files holding the id, and refuses to cut a key out of a shared keyring', async () => {
    const both = Buffer.concat([read('example.gpg'), read('debian-trixie-stable.gpg')]);
    const remote = new ScriptedRemote([
      [
        /^for f in/,
        ok(listing([dest, exampleAsc], [`${TRUSTED_DIR}/debian.gpg`, read('debian-trixie-stable.gpg')])),
      ],
      [/^rm -f/, ok('')],
    ]);
    const gone = await aptKeyModule.run({ id: EXAMPLE, state: 'absent' }, makeCtx(remote));
    expect(gone).toEqual({ changed: true, removed: [dest] });
    expect(remote.commands.at(-1)).toBe(`rm -f ${dest}`);
    const shared = new ScriptedRemote([[/^for f in/, ok(listing(['/etc/apt/keyrings/all.gpg', both]))]]);
    const refused = await aptKeyModule.run(
      { id: EXAMPLE, state: 'absent', keyring: '/etc/apt/keyrings/all.gpg' },
      makeCtx(shared),
    );
    expect(refused).toMatchObject({ failed: true, changed: false });
    expect(refused.msg).toMatch(/all\.gpg holds other keys besides/);
  });
});
