import type { Command } from 'commander';
import type { SetExitCode } from './index.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The node program's `stack sign`: the signing step of `ingress up`, run where the CA lives
 * (the local proxy), so `ingress up` and the renewal signer share one authority.
 */
export function registerStackSignCommand(program: Command, _setExitCode: SetExitCode): void {
  const stack = program.command('stack').description('steps of `ingress up` run where the CA lives');
  stack
    .command('sign')
    .description('sign node CSRs (JSON on standard input), keeping certificates still good; JSON out')
    .requiredOption('--state-dir <dir>', 'PKI state folder holding the CA')
    .action(async (options: { stateDir: string }) => {
      const [{ certificatesFor }, { parseSignInput }] = await Promise.all([
        import('../../stack/certs.js'),
        import('../../stack/sign-input.js'),
      ]);
      const input = parseSignInput(await readStdin());
      const bundle = await certificatesFor({
        stateDir: options.stateDir,
        requests: input.requests,
        ...(input.lifetimeDays ? { lifetimeDays: input.lifetimeDays } : {}),
      });
      process.stdout.write(`${JSON.stringify(bundle)}\n`);
    });
}
