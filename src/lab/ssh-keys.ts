import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
// ssh2 is CommonJS: Node's ESM loader does not see `utils` as a named export.
import ssh2 from 'ssh2';

export interface LabKeyPair {
  privateKeyFile: string;
  /** One authorized_keys line. */
  publicKey: string;
}

/**
 * An ed25519 key pair that ssh2 itself can read back: now and then its generator makes
 * a private key its own parser calls malformed, so such a pair is made again.
 */
export function readableEd25519(comment?: string): { private: string; public: string } {
  for (;;) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519', comment === undefined ? {} : { comment });
    if (!(ssh2.utils.parseKey(pair.private) instanceof Error)) return pair;
  }
}

/** An ed25519 key pair made for this lab run only; the private half is written 0600. */
export async function makeLabKeyPair(dir: string, comment: string): Promise<LabKeyPair> {
  const pair = readableEd25519(comment);
  const privateKeyFile = join(dir, 'id_ed25519');
  await writeFile(privateKeyFile, pair.private, { mode: 0o600 });
  return { privateKeyFile, publicKey: pair.public.trim() };
}
