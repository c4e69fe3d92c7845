import type { Command } from 'commander';
import { IngressError } from '../../errors.js';
import type { Usage } from '../../pki/store.js';
import type * as CaActions from './ca-run.js';
import type { InitOptions, IssueOptions, LocationOptions, SignOptions } from './ca-run.js';

/** Each action loads the PKI code when run, so registering `ca` costs nothing at start-up. */
const run = (): Promise<typeof CaActions> => import('./ca-run.js');

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

function registerInit(ca: Command): void {
  withLocation(ca.command('init').description('create the internal CA'))
    .option('--name <name>', 'CA name (subject CN prefix)')
    .option('--key-type <type>', 'ecdsa-p256, rsa-2048 or rsa-3072', 'ecdsa-p256')
    .option('--validity-days <days>', 'CA lifetime', positiveInt('validity-days'))
    .option('--crl-days <days>', 'CRL validity (nextUpdate)', positiveInt('crl-days'))
    .option('--force', 'replace an existing CA', false)
    .action(async (o: InitOptions) => (await run()).caInit(o));
}

function registerStatus(ca: Command): void {
  withLocation(ca.command('status').description('list the CA and every certificate'))
    .option('--json', 'print JSON', false)
    .action(async (o: LocationOptions & { json: boolean }) => (await run()).caStatusAction(o));
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
    .action(async (name: string, o: IssueOptions & { out: string; keyType: string }) =>
      (await run()).caIssue(name, o),
    );
}

function registerSign(ca: Command): void {
  withIssueOptions(ca.command('sign').description('sign a CSR made on a node (only the CSR travels)'))
    .requiredOption('--csr <file>', 'the CSR, or - for standard input')
    .requiredOption('--name <name>', 'certificate name (the inventory host)')
    .option('--out <file>', 'where the certificate goes (default: standard output)')
    .action(async (o: SignOptions) => (await run()).caSign(o));
}

function registerMaintenance(ca: Command): void {
  withLocation(ca.command('revoke <name>').description('revoke the certificate issued to <name>')).action(
    async (name: string, o: LocationOptions) => (await run()).caRevoke(name, o),
  );
  withLocation(ca.command('rotate').description('make a new CA; the old one stays trusted until unused'))
    .option('--key-type <type>', 'key type of the new CA (default: same as the current one)')
    .action(async (o: LocationOptions & { keyType?: string }) => (await run()).caRotate(o));
  withLocation(ca.command('crl').description('regenerate the CRL and drop unused previous CAs'))
    .option('--crl-days <days>', 'CRL validity (nextUpdate)', positiveInt('crl-days'))
    .action(async (o: LocationOptions & { crlDays?: number }) => (await run()).caCrl(o));
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
