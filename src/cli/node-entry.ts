// The one program the nodes run (Debian 12's Node 18): bundled by `npm run build`
// (scripts/node-bundle.ts), shipped in the package and installed by `ingress up` as
// /usr/local/lib/ingress/ingress-node.js. Commander 14 declares node>=20 but runs on
// 18.19+ (the auto-renew test runs it there), so the CLI's own command modules are
// reused instead of a second argument parser.
import { Command, CommanderError } from 'commander';
import { exitCodeFor, formatError } from '../errors.js';
import { registerCaCommand } from './commands/ca.js';
import { registerPkiAgentCommands } from './commands/pki-agent.js';
import { registerNodeDaemonCommand, registerStackSignCommand } from '../stack/node-commands.js';

const program = new Command('ingress-node').exitOverride();
let code = 0;
const setExitCode = (c: number): void => {
  code = c;
};
registerNodeDaemonCommand(program, setExitCode);
registerPkiAgentCommands(program, setExitCode);
registerCaCommand(program, setExitCode);
registerStackSignCommand(program, setExitCode);

program.parseAsync(process.argv.slice(2), { from: 'user' }).then(
  () => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : 64;
      return;
    }
    process.stderr.write(`ingress-node: ${formatError(err)}\n`);
    process.exitCode = exitCodeFor(err);
  },
);
