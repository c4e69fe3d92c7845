import { readFile } from 'node:fs/promises';
import { quote } from 'shlex';
import { IngressError } from '../errors.js';
import { NODE_PKI_PATHS, type NodePkiPaths } from './node-paths.js';
import {
  hotSwapFromNodeFile,
  reloadHaproxy,
  type HotSwapResult,
  type SslFileKind,
} from '../haproxy/tls-runtime.js';
import type { Transport } from '../transport/types.js';
import type { KeyType } from './crypto.js';
import { csrCommand, signCsr } from './issue.js';
import { paths as storePaths, readState, trustBundlePem, type IssuedRecord, type Usage } from './store.js';

/**
 * The controller's side of one node's certificate: the key is born on the node and
 * never read back; only the CSR travels here and only public material goes there.
 */
export interface NodeCertRequest {
  stateDir: string;
  transport: Transport;
  /** The node's inventory name: the certificate's CN and first SAN. */
  name: string;
  /** Every other name and address the node is reached by (public IPs, Yggdrasil address). */
  sans: readonly string[];
  paths?: NodePkiPaths;
  keyType?: KeyType;
  lifetimeDays?: number;
  usage?: Usage;
  now?: Date;
}

export interface TrustMaterial {
  caBundlePem: string;
  crlPem: string;
}

export interface NodeCertOutcome {
  record: IssuedRecord;
  /** Files that now differ on the node, in the order they must be loaded into HAProxy. */
  changed: SslFileKind[];
}

const certCount = (pem: string): number => pem.match(/-----BEGIN CERTIFICATE-----/g)?.length ?? 0;
const sameText = (a: string, b: string): boolean => a.trim() === b.trim();

async function readRemote(transport: Transport, path: string): Promise<string> {
  return (await transport.get(path).catch(() => Buffer.alloc(0))).toString('utf8');
}

async function run(transport: Transport, command: string, what: string): Promise<string> {
  const result = await transport.exec(command, { timeoutMs: 30_000 });
  if (result.rc !== 0) {
    throw new IngressError('E_PKI', `${what} on ${transport.hostName} failed: ${result.stderr.trim()}`);
  }
  return result.stdout;
}

/** The trust bundle and CRLs as the state folder publishes them now. */
export async function readTrustMaterial(stateDir: string): Promise<TrustMaterial> {
  const state = await readState(stateDir);
  if (!state) throw new IngressError('E_PKI', `no CA in ${stateDir}`);
  return {
    caBundlePem: await trustBundlePem(stateDir, state),
    crlPem: await readFile(storePaths.crl(stateDir), 'utf8'),
  };
}

/**
 * Puts the CA bundle and the CRLs (atomically, public, 0644) where they differ. The
 * order returned is safe to load: when the bundle grows (a rotation starts) the CRLs
 * go first, so a newly trusted CA never lacks its CRL; when it shrinks, the CA goes first.
 */
export async function pushTrust(
  transport: Transport,
  material: TrustMaterial,
  pkiPaths: NodePkiPaths = NODE_PKI_PATHS,
): Promise<SslFileKind[]> {
  await run(transport, `install -d -m 0750 ${quote(pkiPaths.dir)}`, 'creating the PKI folder');
  const oldCa = await readRemote(transport, pkiPaths.caFile);
  const oldCrl = await readRemote(transport, pkiPaths.crlFile);
  const changed: SslFileKind[] = [];
  if (!sameText(oldCrl, material.crlPem)) {
    await transport.put(pkiPaths.crlFile, material.crlPem, { mode: 0o644 });
    changed.push('crl-file');
  }
  if (!sameText(oldCa, material.caBundlePem)) {
    await transport.put(pkiPaths.caFile, material.caBundlePem, { mode: 0o644 });
    if (certCount(material.caBundlePem) < certCount(oldCa)) changed.unshift('ca-file');
    else changed.push('ca-file');
  }
  return changed;
}

/** Makes a fresh key and CSR on the node (0600, never read back) and returns the CSR. */
async function nodeCsr(request: NodeCertRequest, dir: string): Promise<string> {
  const script = csrCommand({
    name: request.name,
    keyPath: `${dir}/node.key.new`,
    ...(request.keyType ? { keyType: request.keyType } : {}),
  });
  const csrPem = await run(request.transport, script, 'making a key and CSR');
  if (!csrPem.includes('BEGIN CERTIFICATE REQUEST')) {
    throw new IngressError('E_PKI', `no CSR came back from ${request.transport.hostName}`);
  }
  return csrPem;
}

/**
 * Issues (or renews) the node's certificate and lays out what HAProxy reads: node.crt,
 * node.key (0600) and node.pem = certificate + key, concatenated on the node, swapped in
 * by rename so a reload never sees half a file. Also pushes the current trust material.
 */
export async function issueNodeCert(request: NodeCertRequest): Promise<NodeCertOutcome> {
  const pkiPaths = request.paths ?? NODE_PKI_PATHS;
  const { transport } = request;
  const trustChanged = await pushTrust(transport, await readTrustMaterial(request.stateDir), pkiPaths);
  const dir = pkiPaths.dir;
  const csrPem = await nodeCsr(request, dir);
  const issued = await signCsr({
    stateDir: request.stateDir,
    csrPem,
    name: request.name,
    sans: [request.name, ...request.sans],
    ...(request.lifetimeDays === undefined ? {} : { lifetimeDays: request.lifetimeDays }),
    ...(request.usage === undefined ? {} : { usage: request.usage }),
    ...(request.now === undefined ? {} : { now: request.now }),
  });
  await transport.put(`${dir}/node.crt.new`, `${issued.certPem.trim()}\n`, { mode: 0o644 });
  const q = (file: string): string => quote(`${dir}/${file}`);
  await run(
    transport,
    [
      'set -e',
      'umask 077',
      // Blank lines would cut a runtime API payload short; HAProxy does not need them.
      // The echo keeps a PEM without a final newline from gluing two END/BEGIN lines together.
      `{ cat ${q('node.crt.new')}; echo; cat ${q('node.key.new')}; } | grep -v '^[[:space:]]*$' > ${q('node.pem.tmp')}`,
      `mv ${q('node.key.new')} ${q('node.key')}`,
      `mv ${q('node.crt.new')} ${q('node.crt')}`,
      `mv ${q('node.pem.tmp')} ${quote(pkiPaths.combinedPem)}`,
    ].join('\n'),
    'installing the certificate',
  );
  return { record: issued.record, changed: [...trustChanged, 'cert'] };
}

export interface InstallOutcome {
  method: 'none' | 'runtime' | 'reload';
  swapped: HotSwapResult[];
}

export interface InstallOptions {
  paths?: NodePkiPaths;
  adminSocket?: string;
  unit?: string;
  /**
   * How a changed CA file is loaded. HAProxy 2.6 (Debian 12) kills its worker on
   * `commit ssl ca-file` once any `commit ssl cert` ran in the same process
   * (haproxy/haproxy#3165; HAProxy 3.0.11 of Debian 13 too, or fails the commit, as
   * test/integration/pki/haproxy-ca-file.test.ts checks),
   * and a renewal may have committed a certificate weeks earlier; so by default a CA
   * change (rare: rotations only) goes through a seamless reload.
   */
  caFileVia?: 'reload' | 'runtime';
}

/**
 * Loads changed files into a running HAProxy through its runtime API, in the given
 * order; a CA change (see caFileVia) or any refused swap falls back to a seamless
 * reload, which re-reads every file from disk (they are already the new ones).
 */
export async function installCertViaRuntime(
  transport: Transport,
  changed: readonly SslFileKind[],
  options: InstallOptions = {},
): Promise<InstallOutcome> {
  const pkiPaths = options.paths ?? NODE_PKI_PATHS;
  if (changed.includes('ca-file') && (options.caFileVia ?? 'reload') === 'reload') {
    await reloadHaproxy(transport, options.unit);
    return { method: 'reload', swapped: [] };
  }
  const fileOf: Record<SslFileKind, string> = {
    cert: pkiPaths.combinedPem,
    'ca-file': pkiPaths.caFile,
    'crl-file': pkiPaths.crlFile,
  };
  const swapped: HotSwapResult[] = [];
  for (const kind of changed) {
    const result = await hotSwapFromNodeFile(transport, kind, fileOf[kind], options.adminSocket);
    swapped.push(result);
    if (!result.ok) {
      await reloadHaproxy(transport, options.unit);
      return { method: 'reload', swapped };
    }
  }
  return { method: swapped.length === 0 ? 'none' : 'runtime', swapped };
}
