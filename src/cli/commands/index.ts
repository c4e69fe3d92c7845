import type { Command } from 'commander';
import type { SetExitCode } from '../run-program.js';
import { registerCaCommand } from './ca.js';
import { registerDaemonCommand } from './daemon.js';
import { registerDnsCommand } from './dns.js';
import { registerInventoryCommand } from './inventory.js';
import { registerLabCommand } from './lab.js';
import { registerPkiAgentCommands } from './pki-agent.js';
import { registerPlayCommand } from './play.js';
import { registerStatusCommand } from './status.js';
import { registerUpCommand } from './up.js';

/** Each command module registers itself; setExitCode lets a command finish with a non-zero status. */
export type { SetExitCode };

export function registerCommands(program: Command, setExitCode: SetExitCode): void {
  registerPlayCommand(program, setExitCode);
  registerUpCommand(program, setExitCode);
  registerInventoryCommand(program, setExitCode);
  registerCaCommand(program, setExitCode);
  registerPkiAgentCommands(program, setExitCode);
  registerDaemonCommand(program, setExitCode);
  registerDnsCommand(program, setExitCode);
  registerStatusCommand(program, setExitCode);
  registerLabCommand(program, setExitCode);
}
