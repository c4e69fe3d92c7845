import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { IngressError } from '../errors.js';
import type { Transport } from '../transport/types.js';
import type { NodeCertRequest, PkiBundle } from './certs.js';
import { ensureCa } from './certs.js';
import { NODE_BUNDLE_PATH } from './node-bundle.js';
import { REMOTE_STATE_DIR } from './settings.js';

/**
 * `ingress_pki.signer: local_proxy`: the CA state moves to the local proxy once, and
 * from then on every signature is made there, by `ingress up` (over SSH) and by the
 * renewal signer alike, so there is one authority and one record of what was issued.
 * The controller's copy is marked as moved; it must not be used to sign again.
 */
export const MOVED_MARKER = 'MOVED-TO';

export async function movedTo(stateDir: string): Promise<string | undefined> {
  return (await readFile(join(stateDir, MOVED_MARKER), 'utf8').catch(() => undefined))?.trim();
}

async function must(transport: Transport, command: string, what: string, stdin?: string): Promise<string> {
  const result = await transport.exec(command, { timeoutMs: 120_000, ...(stdin ? { stdin } : {}) });
  if (result.rc !== 0)
    throw new IngressError(
      'E_PKI',
      `${transport.hostName}: ${what} failed (rc ${result.rc}): ${result.stderr.trim()}`,
    );
  return result.stdout;
}

/** Pushes the controller's CA state to the local proxy unless it is already there. */
export async function ensureCaOnProxy(transport: Transport, stateDir: string): Promise<'present' | 'moved'> {
  const probe = await transport.exec(`test -f ${REMOTE_STATE_DIR}/state.json`);
  if (probe.rc === 0) return 'present';
  const moved = await movedTo(stateDir);
  if (moved)
    throw new IngressError(
      'E_PKI',
      `the CA was moved to ${moved} but ${transport.hostName} has no ${REMOTE_STATE_DIR}/state.json;` +
        ` restore that folder from a backup (the copy in ${stateDir} is stale)`,
    );
  await ensureCa(stateDir);
  const tar = await promisify(execFile)('tar', ['-C', stateDir, '-cf', '-', '.'], {
    encoding: 'buffer',
    maxBuffer: 64 * 1024 * 1024,
  });
  const upload = `${REMOTE_STATE_DIR}.upload.tar`;
  await must(transport, 'install -d -m 0755 /var/lib/ingress', 'creating /var/lib/ingress');
  await transport.put(upload, tar.stdout, { mode: 0o600 });
  await must(
    transport,
    `install -d -m 0700 ${REMOTE_STATE_DIR} && tar --no-same-owner -C ${REMOTE_STATE_DIR} -xf ${upload}` +
      ` && rm -f ${upload} ${REMOTE_STATE_DIR}/${MOVED_MARKER} && chmod -R go-rwx ${REMOTE_STATE_DIR}`,
    'unpacking the CA state',
  );
  await writeFile(join(stateDir, MOVED_MARKER), `${transport.hostName}:${REMOTE_STATE_DIR}\n`, {
    mode: 0o600,
  });
  return 'moved';
}

function parseBundle(stdout: string, host: string): PkiBundle {
  try {
    const doc = JSON.parse(stdout) as PkiBundle;
    if (typeof doc.caBundlePem === 'string' && typeof doc.certs === 'object') return doc;
  } catch {
    // reported below
  }
  throw new IngressError('E_PKI', `${host}: the signing step answered something other than a bundle`);
}

/** Signs (or keeps) the nodes' certificates with the CA on the local proxy. */
export async function signOnProxy(
  transport: Transport,
  requests: NodeCertRequest[],
  lifetimeDays: number,
): Promise<PkiBundle> {
  const stdout = await must(
    transport,
    `node ${NODE_BUNDLE_PATH} stack sign --state-dir ${REMOTE_STATE_DIR}`,
    'signing the node certificates',
    JSON.stringify({ requests, lifetimeDays }),
  );
  return parseBundle(stdout, transport.hostName);
}
