// Runs only the inventory command, the way src/cli/main.ts runs every command.
import { Command } from 'commander';
import { registerInventoryCommand } from '../../../src/cli/commands/inventory.js';
import { exitCodeFor, formatError } from '../../../src/errors.js';

const program = new Command('ingress').exitOverride();
let code = 0;
registerInventoryCommand(program, (c) => {
  code = c;
});
try {
  await program.parseAsync(process.argv.slice(2), { from: 'user' });
} catch (err) {
  process.stderr.write(`ingress: ${formatError(err)}\n`);
  code = exitCodeFor(err);
}
process.exitCode = code;
