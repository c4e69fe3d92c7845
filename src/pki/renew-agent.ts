import { readFile } from 'node:fs/promises';
import { IngressError } from '../errors.js';
import { createHaproxyRuntime, unixSocketConnector } from '../haproxy/runtime.js';
import type { SslFileKind } from '../haproxy/tls-runtime.js';
import type { Transport } from '../transport/types.js';
import { normalizeSerial } from './crypto.js';
import { installCertViaRuntime, pushTrust, type InstallOutcome } from './node-cert.js';
import type { RenewAgentConfig } from './renew-config.js';
import {
  checkIssued,
  caIds,
  newKeyAndCsr,
  readIdentity,
  writeIdentity,
  type NodeIdentity,
} from './renew-identity.js';
import { decideRenewal, describeReason } from './renew-policy.js';
import { nextRenewalAt } from './renewal.js';
import { fetchTrust, requestRenewal, type SignerEndpoint } from './signer-client.js';

/**
 * One run of the renewal agent on a node (a systemd timer runs it every few minutes):
 * pull the trust bundle and CRLs, renew when due, and load what changed into the local
 * HAProxy. Safe to repeat: nothing is written unless it differs, and a failed renewal
 * leaves the current key and certificate in place.
 */
export interface RenewDeps {
  now: () => number;
  /** This host (a LocalTransport in production): files and HAProxy's runtime API. */
  transport: Transport;
  signer?: { fetchTrust: typeof fetchTrust; requestRenewal: typeof requestRenewal };
  /** What HAProxy serves for a file now (its serial), to repair a swap a crash interrupted. */
  servedSerial?: (file: string) => Promise<string | undefined>;
}

export interface RenewOutcome {
  name: string;
  renewed: boolean;
  /** Why a renewal was attempted; empty when it was not due. */
  reasons: string[];
  serial: string;
  notAfter: string;
  nextRenewalAt: string;
  /** Files loaded into HAProxy, in order, and how. */
  changed: SslFileKind[];
  haproxy: InstallOutcome['method'] | 'not-managed';
}

async function renewIdentity(
  config: RenewAgentConfig,
  deps: RenewDeps,
  endpoint: SignerEndpoint,
): Promise<{ identity: NodeIdentity; trustChanged: SslFileKind[] }> {
  const signer = deps.signer ?? { fetchTrust, requestRenewal };
  const fresh = await newKeyAndCsr(config.name, config.keyType);
  const answer = await signer.requestRenewal(endpoint, fresh.csrPem);
  const cert = await checkIssued(
    answer.certPem,
    config.name,
    fresh.publicKey,
    answer.caBundlePem,
    new Date(deps.now()),
  );
  // Trust first: the new certificate may come from a CA this node does not trust yet.
  const trustChanged = await pushTrust(deps.transport, answer, config.paths);
  await writeIdentity(config.paths, answer.certPem, fresh.keyPem);
  return { identity: { certPem: answer.certPem, keyPem: fresh.keyPem, cert }, trustChanged };
}

async function defaultServedSerial(config: RenewAgentConfig, file: string): Promise<string | undefined> {
  if (!config.haproxy) return undefined;
  const runtime = createHaproxyRuntime({ connector: unixSocketConnector(config.haproxy.adminSocket) });
  const answer = await runtime.run(`show ssl cert ${file}`).catch(() => '');
  const serial = /^Serial: *([0-9A-Fa-f]+)/m.exec(answer)?.[1];
  return serial === undefined ? undefined : normalizeSerial(serial);
}

async function loadIntoHaproxy(
  config: RenewAgentConfig,
  deps: RenewDeps,
  changed: SslFileKind[],
  identity: NodeIdentity,
): Promise<RenewOutcome['haproxy']> {
  if (!config.haproxy) return 'not-managed';
  const file = config.paths.combinedPem;
  const served = await (deps.servedSerial ?? ((f: string) => defaultServedSerial(config, f)))(file);
  if (
    !changed.includes('cert') &&
    served !== undefined &&
    served !== normalizeSerial(identity.cert.serialNumber)
  ) {
    changed.push('cert');
  }
  if (changed.length === 0) return 'none';
  const outcome = await installCertViaRuntime(deps.transport, changed, {
    paths: config.paths,
    adminSocket: config.haproxy.adminSocket,
    unit: config.haproxy.unit,
  });
  return outcome.method;
}

/** Our identity and how to reach the signer with it; an expired certificate stops here. */
async function currentEndpoint(
  config: RenewAgentConfig,
  nowMs: number,
): Promise<{ identity: NodeIdentity; endpoint: SignerEndpoint }> {
  const identity = await readIdentity(config.paths);
  if (identity.cert.notAfter.getTime() <= nowMs) {
    // The signer authenticates nodes by this certificate: once expired, only the controller can help.
    const serial = normalizeSerial(identity.cert.serialNumber);
    throw new IngressError(
      'E_PKI',
      `certificate ${serial} expired at ${identity.cert.notAfter.toISOString()};` +
        ' the signer cannot authenticate it, re-enroll this node with "ingress up"',
    );
  }
  const endpoint: SignerEndpoint = {
    url: config.signer.url,
    ...(config.signer.serverName ? { serverName: config.signer.serverName } : {}),
    caPem: await readFile(config.paths.caFile, 'utf8'),
    certPem: identity.certPem,
    keyPem: identity.keyPem,
  };
  return { identity, endpoint };
}

export async function runRenewal(
  config: RenewAgentConfig,
  deps: RenewDeps,
  options: { force?: boolean } = {},
): Promise<RenewOutcome> {
  const signer = deps.signer ?? { fetchTrust, requestRenewal };
  const start = await currentEndpoint(config, deps.now());
  let identity = start.identity;
  const trust = await signer.fetchTrust(start.endpoint);
  const changed = await pushTrust(deps.transport, trust, config.paths);
  const ids = await caIds(identity.cert, trust.caBundlePem);
  const window = { notBefore: identity.cert.notBefore, notAfter: identity.cert.notAfter };
  const decision = decideRenewal(
    { ...window, issuerCaId: ids.issuer },
    ids.current,
    new Date(deps.now()),
    config.renewFraction,
  );
  const attempt = decision.due || options.force === true;
  let failure: unknown;
  if (attempt) {
    try {
      const result = await renewIdentity(config, deps, start.endpoint);
      identity = result.identity;
      for (const kind of [...result.trustChanged, 'cert' as const])
        if (!changed.includes(kind)) changed.push(kind);
    } catch (err) {
      failure = err;
    }
  }
  // Trust changes are loaded even when the renewal failed: the CRL must not wait for it.
  const haproxy = await loadIntoHaproxy(config, deps, changed, identity);
  if (failure !== undefined) throw failure;
  return {
    name: config.name,
    renewed: attempt,
    reasons: options.force && !decision.due ? ['forced'] : decision.reasons.map(describeReason),
    serial: normalizeSerial(identity.cert.serialNumber),
    notAfter: identity.cert.notAfter.toISOString(),
    nextRenewalAt: nextRenewalAt(identity.cert, config.renewFraction).toISOString(),
    changed,
    haproxy,
  };
}
