import { readState } from '../pki/store.js';
import type { Transport } from '../transport/types.js';
import { certificatesFor } from './certs.js';
import type { NodeCertRequest, PkiBundle } from './certs.js';
import type { NodeIdentity } from './identity.js';
import { parseIdentity, PENDING } from './identity.js';
import type { StackNode } from './model.js';
import { ensureCaOnProxy, movedTo, signOnProxy } from './remote-ca.js';
import type { PkiSettings } from './settings.js';
import { IngressError } from '../errors.js';

export interface UpPkiInput {
  stateDir: string;
  nodes: StackNode[];
  /** What prepare.yml reported, by host. */
  identities: Map<string, NodeIdentity | typeof PENDING>;
  settings: PkiSettings;
  check: boolean;
  /** SSH to the local proxy, opened only when the CA lives there. */
  proxyTransport: () => Promise<Transport>;
}

const EMPTY: PkiBundle = { certs: {}, caBundlePem: '', crlPem: '', issued: [] };

/** The identities prepare.yml reported, by host; `pending` for a new node in check mode. */
export function reportedIdentities(outputs: Map<string, string>): Map<string, NodeIdentity | typeof PENDING> {
  return new Map([...outputs].map(([host, stdout]) => [host, parseIdentity(host, stdout)]));
}

/** Each reported CSR with the inventory's names plus the node's Yggdrasil address. */
export function certRequests(
  nodes: StackNode[],
  identities: Map<string, NodeIdentity | typeof PENDING>,
): NodeCertRequest[] {
  return nodes.flatMap((node) => {
    const identity = identities.get(node.name);
    if (identity === undefined || identity === PENDING) return [];
    return [{ name: node.name, csrPem: identity.csrPem, sans: [...node.sans, identity.yggAddress] }];
  });
}

/**
 * The certificates site.yml installs. Check mode signs nothing: with the CA on the
 * local proxy it shows the rest of the run without certificates.
 */
export async function upCertificates(input: UpPkiInput): Promise<PkiBundle> {
  const bundle = await signed(input);
  // One trailing newline, as the renewal agent writes node.crt: a later run then compares equal.
  const certs = Object.fromEntries(
    Object.entries(bundle.certs).map(([name, pem]) => [name, `${pem.trimEnd()}\n`]),
  );
  return { ...bundle, certs };
}

async function signed(input: UpPkiInput): Promise<PkiBundle> {
  const requests = certRequests(input.nodes, input.identities);
  const { lifetimeDays } = input.settings;
  if (input.settings.signer === 'local_proxy') {
    if (input.check) return EMPTY;
    const transport = await input.proxyTransport();
    await ensureCaOnProxy(transport, input.stateDir);
    return signOnProxy(transport, requests, lifetimeDays);
  }
  const moved = await movedTo(input.stateDir);
  if (moved)
    throw new IngressError(
      'E_PKI',
      `the CA lives on ${moved} (ingress_pki.signer was local_proxy); signing here would fork it`,
    );
  if (input.check && !(await readState(input.stateDir))) return EMPTY;
  return certificatesFor({ stateDir: input.stateDir, requests, lifetimeDays });
}
