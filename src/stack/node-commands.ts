import type { Command } from 'commander';
import { runUntilStopped } from '../daemon/stop-signals.js';
import { IngressError } from '../errors.js';
import type { NodeCertRequest } from './certs.js';

/**
 * Commands only the node program (src/cli/node-entry.ts) has: the daemon with a config
 * check the playbook runs before replacing a config, and the stack's signing step run
 * where the CA lives (the local proxy), so `ingress up` and the renewal signer share one
 * authority.
 */
type SetExitCode = (code: number) => void;

/** Everything the daemon would refuse at start, without starting it. */
export async function checkDaemonConfig(file: string): Promise<string> {
  const [{ loadDaemonConfig }, { readNamedFile }, { parseKeyFile, selectKey }] = await Promise.all([
    import('../daemon/config.js'),
    import('../daemon/config-files.js'),
    import('../dns/key-file.js'),
  ]);
  const config = await loadDaemonConfig(file);
  const keyText = await readNamedFile(config.dns.tsigKeyFile, file, 'dns.tsigKeyFile');
  selectKey(parseKeyFile(keyText, config.dns.tsigKeyFile), config.dns.tsigKeyFile);
  return `${file}: ${config.mode} daemon for ${config.node}, ${config.paths.length} path(s)`;
}

export function registerNodeDaemonCommand(program: Command, _setExitCode: SetExitCode): void {
  program
    .command('daemon')
    .description('run the health daemon')
    .requiredOption('--config <file>', 'daemon config file (YAML)')
    .option('--check-config', 'check the config and the files it names, then exit', false)
    .action(async (options: { config: string; checkConfig: boolean }) => {
      if (options.checkConfig) {
        process.stdout.write(`${await checkDaemonConfig(options.config)}\n`);
        return;
      }
      const [{ startDaemon }, { pino }] = await Promise.all([import('../daemon/main.js'), import('pino')]);
      const daemon = await startDaemon(options.config, pino());
      await runUntilStopped(() => daemon.stop());
    });
}

/** What `stack sign` reads on standard input. */
export interface SignInput {
  requests: NodeCertRequest[];
  lifetimeDays?: number;
}

export function parseSignInput(text: string): SignInput {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    throw new IngressError('E_USAGE', 'stack sign: standard input is not JSON', { cause });
  }
  const input = doc as Partial<SignInput> | null;
  const ok =
    Array.isArray(input?.requests) &&
    input.requests.every(
      (r) => typeof r?.name === 'string' && typeof r.csrPem === 'string' && Array.isArray(r.sans),
    ) &&
    (input.lifetimeDays === undefined || typeof input.lifetimeDays === 'number');
  if (!ok)
    throw new IngressError(
      'E_USAGE',
      'stack sign: expected {"requests":[{name,csrPem,sans}],"lifetimeDays"?}',
    );
  return input as SignInput;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function registerStackSignCommand(program: Command, _setExitCode: SetExitCode): void {
  const stack = program.command('stack').description('steps of `ingress up` run where the CA lives');
  stack
    .command('sign')
    .description('sign node CSRs (JSON on standard input), keeping certificates still good; JSON out')
    .requiredOption('--state-dir <dir>', 'PKI state folder holding the CA')
    .action(async (options: { stateDir: string }) => {
      const { certificatesFor } = await import('./certs.js');
      const input = parseSignInput(await readStdin());
      const bundle = await certificatesFor({
        stateDir: options.stateDir,
        requests: input.requests,
        ...(input.lifetimeDays ? { lifetimeDays: input.lifetimeDays } : {}),
      });
      process.stdout.write(`${JSON.stringify(bundle)}\n`);
    });
}
