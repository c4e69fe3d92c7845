import type { Command } from 'commander';

/** Each command module registers itself; setExitCode lets a command finish with a non-zero status. */
export type SetExitCode = (code: number) => void;

export function registerCommands(_program: Command, _setExitCode: SetExitCode): void {
  // Commands are added here as each domain lands (play, inventory, up, ca, daemon, status, lab).
}
