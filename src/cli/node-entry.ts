// The one program the nodes run (Debian 12's Node 18): bundled by `npm run build`
// (scripts/node-bundle.ts), shipped in the package and installed by `ingress up` as
// /usr/local/lib/ingress/ingress-node.js. Commander 14 declares node>=20 but runs on
// 18.19+ (the auto-renew test runs it there), so the CLI's own command modules are
// reused instead of a second argument parser.
import { Command } from 'commander';
import { registerCaCommand } from './commands/ca.js';
import { registerNodeDaemonCommand } from './commands/daemon.js';
import { registerPkiAgentCommands } from './commands/pki-agent.js';
import { registerStackSignCommand } from './commands/stack-sign.js';
import { runProgram } from './run-program.js';

const program = new Command('ingress-node');
void runProgram(program, process.argv.slice(2), 'ingress-node', (setExitCode) => {
  registerNodeDaemonCommand(program, setExitCode);
  registerPkiAgentCommands(program, setExitCode);
  registerCaCommand(program, setExitCode);
  registerStackSignCommand(program, setExitCode);
}).then((code) => {
  process.exitCode = code;
});
