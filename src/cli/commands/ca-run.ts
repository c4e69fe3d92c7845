import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadInventory } from '../../inventory/load.js';
import { initCa } from '../../pki/ca.js';
import { parseKeyType } from '../../pki/crypto.js';
import { refreshCrl, revoke } from '../../pki/crl.js';
import { ensureDir, writeFileAtomic } from '../../fs/atomic.js';
import { issueWithLocalKey, signCsr } from '../../pki/issue.js';
import { pruneTrustBundle, rotateCa } from '../../pki/rotate.js';
import { caStatus, formatCaStatus } from '../../pki/status.js';
import { paths, resolveStateDir, type Usage } from '../../pki/store.js';

/** The actions of `ingress ca ...` (registered in ca.ts, loaded when one runs). */

export interface LocationOptions {
  stateDir?: string;
  inventory?: string[];
}

export interface InitOptions extends LocationOptions {
  name?: string;
  keyType: string;
  validityDays?: number;
  crlDays?: number;
  force: boolean;
}

export interface IssueOptions extends LocationOptions {
  san: string[];
  usage: Usage;
  lifetimeDays?: number;
}

export interface SignOptions extends IssueOptions {
  csr: string;
  name: string;
  out?: string;
}

function stateDirOf(options: LocationOptions): string {
  return resolveStateDir({ stateDir: options.stateDir, inventoryPath: options.inventory?.[0] });
}

const out = (text: string): void => {
  process.stdout.write(text);
};

export async function caInit(o: InitOptions): Promise<void> {
  const stateDir = stateDirOf(o);
  const material = await initCa({
    stateDir,
    name: o.name,
    keyType: parseKeyType(o.keyType),
    validityDays: o.validityDays,
    crlValidityDays: o.crlDays,
    force: o.force,
  });
  out(`created CA ${material.id} (${material.cert.subject}) in ${stateDir}\n`);
}

export async function caStatusAction(o: LocationOptions & { json: boolean }): Promise<void> {
  const hosts = o.inventory?.length ? [...(await loadInventory(o.inventory)).hosts.keys()] : undefined;
  const status = await caStatus({ stateDir: stateDirOf(o), hosts });
  out(o.json ? `${JSON.stringify(status, null, 2)}\n` : formatCaStatus(status));
}

export async function caIssue(
  name: string,
  o: IssueOptions & { out: string; keyType: string },
): Promise<void> {
  const issued = await issueWithLocalKey({
    stateDir: stateDirOf(o),
    name,
    sans: o.san,
    usage: o.usage,
    lifetimeDays: o.lifetimeDays,
    keyType: parseKeyType(o.keyType),
  });
  await ensureDir(o.out);
  await writeFileAtomic(join(o.out, `${name}.key`), issued.keyPem, 0o600);
  await writeFileAtomic(join(o.out, `${name}.crt`), issued.certPem, 0o644);
  await writeFileAtomic(join(o.out, 'ca.pem'), issued.caBundlePem, 0o644);
  out(`issued ${name} serial ${issued.record.serial} until ${issued.record.notAfter} into ${o.out}\n`);
}

export async function caSign(o: SignOptions): Promise<void> {
  const csrPem = await readFile(o.csr === '-' ? '/dev/stdin' : o.csr, 'utf8');
  const issued = await signCsr({
    stateDir: stateDirOf(o),
    csrPem,
    name: o.name,
    sans: o.san,
    usage: o.usage,
    lifetimeDays: o.lifetimeDays,
  });
  if (o.out && o.out !== '-') await writeFileAtomic(o.out, issued.certPem, 0o644);
  else out(issued.certPem);
}

export async function caRevoke(name: string, o: LocationOptions): Promise<void> {
  const stateDir = stateDirOf(o);
  await revoke({ stateDir, name });
  out(`revoked ${name}; CRL written to ${paths.crl(stateDir)}\n`);
}

export async function caRotate(o: LocationOptions & { keyType?: string }): Promise<void> {
  const stateDir = stateDirOf(o);
  const keyType = o.keyType ? parseKeyType(o.keyType) : undefined;
  const result = await rotateCa({ stateDir, keyType });
  out(`new CA ${result.current.id}; ${result.previous} stays in ${paths.bundle(stateDir)} until unused\n`);
}

export async function caCrl(o: LocationOptions & { crlDays?: number }): Promise<void> {
  const stateDir = stateDirOf(o);
  const dropped = await pruneTrustBundle({ stateDir });
  await refreshCrl({ stateDir, validityDays: o.crlDays });
  const note = dropped.length ? `; dropped previous CA ${dropped.join(', ')}` : '';
  out(`CRL written to ${paths.crl(stateDir)}${note}\n`);
}
