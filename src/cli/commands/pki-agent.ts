import { join } from 'node:path';
import type { Command } from 'commander';
import { exitCodeFor, formatError } from '../../errors.js';
import { IngressError } from '../../errors.js';
import { NODE_PKI_PATHS } from '../../pki/node-paths.js';
import type { RateLimit } from '../../pki/renew-policy.js';
import { runUntilStopped, stopOnSignal } from '../../daemon/stop-signals.js';
import type { SetExitCode } from './index.js';

/**
 * `ingress pki signer` (resident, on the local proxy or the controller) and
 * `ingress pki renew` (one shot, run on every node by a systemd timer).
 */

function usage(field: string, message: string): IngressError {
  return new IngressError('E_USAGE', message, { location: { file: '<command line>', field } });
}

export function parseListen(value: string): { host: string; port: number } {
  const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(value);
  const port = Number(match?.[2]);
  if (!match?.[1] || !(port > 0 && port < 65_536))
    throw usage('listen', `--listen must be ADDR:PORT, got "${value}"`);
  return { host: match[1], port };
}

export function parseRateLimit(value: string): RateLimit {
  const match = /^(\d+)\/(\d+)$/.exec(value);
  const max = Number(match?.[1]);
  const seconds = Number(match?.[2]);
  if (!(max > 0 && seconds > 0))
    throw usage('rate-limit', `--rate-limit must be COUNT/SECONDS, got "${value}"`);
  return { max, windowMs: seconds * 1000 };
}

function positive(field: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw usage(field, `--${field} must be a positive whole number`);
    return n;
  };
}

interface SignerFlags {
  stateDir: string;
  listen: string;
  cert: string;
  key: string;
  lifetimeDays?: number;
  lifetimeSeconds?: number;
  rateLimit?: string;
}

function registerSigner(pki: Command): void {
  pki
    .command('signer')
    .description('serve certificate renewals over mTLS (run where the CA lives, never on an ingress node)')
    .requiredOption('--state-dir <dir>', 'PKI state folder holding the CA')
    .requiredOption('--listen <addr:port>', 'address and port to listen on')
    .option('--cert <file>', "the signer's server certificate", join(NODE_PKI_PATHS.dir, 'node.crt'))
    .option('--key <file>', "the signer's server key", join(NODE_PKI_PATHS.dir, 'node.key'))
    .option(
      '--lifetime-days <days>',
      'lifetime of renewed certificates (default 30)',
      positive('lifetime-days'),
    )
    .option('--lifetime-seconds <s>', 'lifetime in seconds (tests)', positive('lifetime-seconds'))
    .option('--rate-limit <count/seconds>', 'renewals allowed per name and window (default 6/3600)')
    .action(async (o: SignerFlags) => {
      const [{ pino }, { startSigner }] = await Promise.all([
        import('pino'),
        import('../../pki/signer-server.js'),
      ]);
      const log = pino({ base: { service: 'ingress-pki-signer' } });
      const lifetimeSeconds =
        o.lifetimeSeconds ?? (o.lifetimeDays === undefined ? undefined : o.lifetimeDays * 86_400);
      const signer = await startSigner({
        stateDir: o.stateDir,
        ...parseListen(o.listen),
        certFile: o.cert,
        keyFile: o.key,
        ...(lifetimeSeconds === undefined ? {} : { lifetimeSeconds }),
        ...(o.rateLimit === undefined ? {} : { rateLimit: parseRateLimit(o.rateLimit) }),
        log,
      });
      log.info({ event: 'listening', listen: o.listen, port: signer.port }, 'signer listening');
      await runUntilStopped(() => signer.close());
    });
}

function registerRenew(pki: Command, setExitCode: SetExitCode): void {
  pki
    .command('renew')
    .description('renew this node certificate when due and refresh its CA bundle and CRL (one shot)')
    .requiredOption('--config <file>', 'renewal agent config (YAML)')
    .option('--force', 'renew even when not due', false)
    .action(async (o: { config: string; force: boolean }) => {
      const [{ loadRenewConfig }, { runRenewal }, { LocalTransport }] = await Promise.all([
        import('../../pki/renew-config.js'),
        import('../../pki/renew-agent.js'),
        import('../../transport/local.js'),
      ]);
      const config = await loadRenewConfig(o.config);
      const transport = new LocalTransport(config.name);
      // Stopped mid-run, the next timer run starts over: every write of a renewal is atomic.
      const signals = stopOnSignal({ stop: () => transport.close() });
      try {
        const outcome = await runRenewal(config, { now: Date.now, transport }, { force: o.force });
        const what = outcome.renewed ? `renewed (${outcome.reasons.join('; ')})` : 'not due';
        process.stdout.write(
          `${outcome.name}: ${what}; serial ${outcome.serial} valid until ${outcome.notAfter},` +
            ` next renewal at ${outcome.nextRenewalAt}; haproxy: ${outcome.haproxy}` +
            `${outcome.changed.length ? ` (${outcome.changed.join(', ')})` : ''}\n`,
        );
      } catch (err) {
        process.stderr.write(`ingress: ${config.name}: renewal failed: ${formatError(err)}\n`);
        setExitCode(exitCodeFor(err));
      } finally {
        signals.dispose();
        await transport.close();
      }
    });
}

export function registerPkiAgentCommands(program: Command, setExitCode: SetExitCode): void {
  const pki = program.command('pki').description("a node's certificate renewal: signer service and agent");
  registerSigner(pki);
  registerRenew(pki, setExitCode);
}
