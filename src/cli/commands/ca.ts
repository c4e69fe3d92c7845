import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { IngressError } from '../../errors.js';
import { loadInventory } from '../../inventory/load.js';
import { initCa } from '../../pki/ca.js';
import { parseKeyType } from '../../pki/crypto.js';
import { refreshCrl, revoke } from '../../pki/crl.js';
import { ensureDir, writeFileAtomic } from '../../pki/fs-atomic.js';
import { issueWithLocalKey, signCsr } from '../../pki/issue.js';
import { pruneTrustBundle, rotateCa } from '../../pki/rotate.js';
import { caStatus, formatCaStatus } from '../../pki/status.js';
import { paths, resolveStateDir, type Usage } from '../../pki/store.js';

interface LocationOptions {
  stateDir?: string;
  inventory?: string[];
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];
const collectList = (value: string, previous: string[]): string[] => [
  ...previous,
  ...value.split(',').filter(Boolean),
];

function positiveInt(field: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) {
      throw new IngressError('E_USAGE', `--${field} must be a positive whole number, got "${value}"`, {
        location: { file: '<command line>', field },
      });
    }
    return n;
  };
}

function parseUsage(value: string): Usage {
  if (value === 'server-client' || value === 'server' || value === 'client') return value;
  throw new IngressError('E_USAGE', `--usage must be server-client, server or client, got "${value}"`);
}

function withLocation(command: Command): Command {
  return command
    .option(
      '--state-dir <dir>',
      'PKI state folder (default: .ingress-state/pki in a folder inventory, beside a file one)',
    )
    .option('-i, --inventory <path>', 'inventory file or folder (repeatable)', collect, []);
}

function stateDirOf(options: LocationOptions): string {
  return resolveStateDir({ stateDir: options.stateDir, inventoryPath: options.inventory?.[0] });
}

const out = (text: string): void => {
  process.stdout.write(text);
};

function registerInit(ca: Command): void {
  withLocation(ca.command('init').description('create the internal CA'))
    .option('--name <name>', 'CA name (subject CN prefix)')
    .option('--key-type <type>', 'ecdsa-p256, rsa-2048 or rsa-3072', 'ecdsa-p256')
    .option('--validity-days <days>', 'CA lifetime', positiveInt('validity-days'))
    .option('--crl-days <days>', 'CRL validity (nextUpdate)', positiveInt('crl-days'))
    .option('--force', 'replace an existing CA', false)
    .action(
      async (
        o: LocationOptions & {
          name?: string;
          keyType: string;
          validityDays?: number;
          crlDays?: number;
          force: boolean;
        },
      ) => {
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
      },
    );
}

function registerStatus(ca: Command): void {
  withLocation(ca.command('status').description('list the CA and every certificate'))
    .option('--json', 'print JSON', false)
    .action(async (o: LocationOptions & { json: boolean }) => {
      const hosts = o.inventory?.length ? [...(await loadInventory(o.inventory)).hosts.keys()] : undefined;
      const status = await caStatus({ stateDir: stateDirOf(o), hosts });
      out(o.json ? `${JSON.stringify(status, null, 2)}\n` : formatCaStatus(status));
    });
}

interface IssueOptions extends LocationOptions {
  san: string[];
  usage: Usage;
  lifetimeDays?: number;
}

function withIssueOptions(command: Command): Command {
  return withLocation(command)
    .option('--san <name>', 'DNS name or IP address (repeatable, or comma separated)', collectList, [])
    .option('--usage <usage>', 'server-client, server or client', parseUsage, 'server-client')
    .option('--lifetime-days <days>', 'certificate lifetime (default 30)', positiveInt('lifetime-days'));
}

function registerIssue(ca: Command): void {
  withIssueOptions(ca.command('issue <name>').description('make a key here and issue a certificate for it'))
    .requiredOption('--out <dir>', 'folder for <name>.crt, <name>.key (0600) and ca.pem')
    .option('--key-type <type>', 'ecdsa-p256, rsa-2048 or rsa-3072', 'ecdsa-p256')
    .action(async (name: string, o: IssueOptions & { out: string; keyType: string }) => {
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
    });
}

function registerSign(ca: Command): void {
  withIssueOptions(ca.command('sign').description('sign a CSR made on a node (only the CSR travels)'))
    .requiredOption('--csr <file>', 'the CSR, or - for standard input')
    .requiredOption('--name <name>', 'certificate name (the inventory host)')
    .option('--out <file>', 'where the certificate goes (default: standard output)')
    .action(async (o: IssueOptions & { csr: string; name: string; out?: string }) => {
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
    });
}

function registerMaintenance(ca: Command): void {
  withLocation(ca.command('revoke <name>').description('revoke the certificate issued to <name>')).action(
    async (name: string, o: LocationOptions) => {
      const stateDir = stateDirOf(o);
      await revoke({ stateDir, name });
      out(`revoked ${name}; CRL written to ${paths.crl(stateDir)}\n`);
    },
  );
  withLocation(ca.command('rotate').description('make a new CA; the old one stays trusted until unused'))
    .option('--key-type <type>', 'key type of the new CA (default: same as the current one)')
    .action(async (o: LocationOptions & { keyType?: string }) => {
      const stateDir = stateDirOf(o);
      const keyType = o.keyType ? parseKeyType(o.keyType) : undefined;
      const result = await rotateCa({ stateDir, keyType });
      out(
        `new CA ${result.current.id}; ${result.previous} stays in ${paths.bundle(stateDir)} until unused\n`,
      );
    });
  withLocation(ca.command('crl').description('regenerate the CRL and drop unused previous CAs'))
    .option('--crl-days <days>', 'CRL validity (nextUpdate)', positiveInt('crl-days'))
    .action(async (o: LocationOptions & { crlDays?: number }) => {
      const stateDir = stateDirOf(o);
      const dropped = await pruneTrustBundle({ stateDir });
      await refreshCrl({ stateDir, validityDays: o.crlDays });
      const note = dropped.length ? `; dropped previous CA ${dropped.join(', ')}` : '';
      out(`CRL written to ${paths.crl(stateDir)}${note}\n`);
    });
}

/** `ingress ca ...`: the internal PKI. Errors propagate to main, which maps them to exit codes. */
export function registerCaCommand(program: Command, _setExitCode: (code: number) => void): void {
  const ca = program.command('ca').description('internal CA: init, issue, sign, revoke, rotate, crl, status');
  registerInit(ca);
  registerStatus(ca);
  registerIssue(ca);
  registerSign(ca);
  registerMaintenance(ca);
}
