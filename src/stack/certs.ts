import { readFile } from 'node:fs/promises';
import { initCa } from '../pki/ca.js';
import { crlNeedsRefresh, readCrls, refreshCrl } from '../pki/crl.js';
import { signCsr } from '../pki/issue.js';
import { renewalReasons } from '../pki/renewal.js';
import { paths, readIssued, readIssuedCertPem, readState } from '../pki/store.js';
import { x509 } from '../pki/x509.js';

export interface NodeCertRequest {
  name: string;
  csrPem: string;
  sans: string[];
}

export interface PkiBundle {
  /** Certificate PEM by node name. */
  certs: Record<string, string>;
  caBundlePem: string;
  crlPem: string;
  /** Nodes that got a new certificate in this run. */
  issued: string[];
}

/** Creates the CA on first use, so `ingress up` alone brings a fresh deployment online. */
export async function ensureCa(stateDir: string): Promise<void> {
  if (!(await readState(stateDir))) await initCa({ stateDir, keyType: 'ecdsa-p256' });
}

function sameKey(certPem: string, csrPem: string): boolean {
  const cert = new x509.X509Certificate(certPem);
  const csr = new x509.Pkcs10CertificateRequest(csrPem);
  return Buffer.from(cert.publicKey.rawData).equals(Buffer.from(csr.publicKey.rawData));
}

/**
 * The certificate issued before is kept while it matches the node's key, the
 * inventory's names and the current CA and is not due for renewal: a second run
 * then changes nothing on the nodes.
 */
async function reusable(
  stateDir: string,
  request: NodeCertRequest,
  caId: string,
  now: Date,
): Promise<string | undefined> {
  const record = await readIssued(stateDir, request.name);
  if (!record) return undefined;
  const certPem = await readIssuedCertPem(stateDir, request.name);
  const reasons = renewalReasons({
    cert: {
      notBefore: new Date(record.notBefore),
      notAfter: new Date(record.notAfter),
      issuerCaId: record.caId,
      revoked: record.revoked !== null,
      sans: record.sans,
    },
    currentCaId: caId,
    wantedSans: request.sans,
    now,
  });
  return reasons.length === 0 && sameKey(certPem, request.csrPem) ? certPem : undefined;
}

export async function certificatesFor(options: {
  stateDir: string;
  requests: NodeCertRequest[];
  lifetimeDays?: number;
  now?: Date;
}): Promise<PkiBundle> {
  const now = options.now ?? new Date();
  const { stateDir } = options;
  await ensureCa(stateDir);
  const state = await readState(stateDir);
  const certs: Record<string, string> = {};
  const issued: string[] = [];
  for (const request of options.requests) {
    const kept = await reusable(stateDir, request, state?.currentCa ?? '', now);
    if (kept) {
      certs[request.name] = kept;
      continue;
    }
    const fresh = await signCsr({
      stateDir,
      ...request,
      ...(options.lifetimeDays ? { lifetimeDays: options.lifetimeDays } : {}),
      now,
    });
    certs[request.name] = fresh.certPem;
    issued.push(request.name);
  }
  const crls = await readCrls(stateDir);
  if (crls.length === 0 || crls.some((crl) => crlNeedsRefresh(crl, now))) await refreshCrl({ stateDir, now });
  return {
    certs,
    caBundlePem: await readFile(paths.bundle(stateDir), 'utf8'),
    crlPem: await readFile(paths.crl(stateDir), 'utf8'),
    issued,
  };
}
