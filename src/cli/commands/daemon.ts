import type { Command } from 'commander';
import { runUntilStopped } from '../../daemon/stop-signals.js';
import type { SetExitCode } from './index.js';

/** `ingress daemon --config FILE`: the resident health daemon, run by systemd on every node. */
export function registerDaemonCommand(program: Command, _setExitCode: SetExitCode): void {
  program
    .command('daemon')
    .description(
      'run the health daemon (probes, HAProxy steering, DNS records, firewall allow-sets, metrics)',
    )
    .requiredOption('--config <file>', 'daemon config file (YAML)')
    .action(async (options: { config: string }) => {
      // Loaded lazily so the other commands do not pay for the daemon's dependencies.
      const { startDaemon } = await import('../../daemon/main.js');
      const daemon = await startDaemon(options.config);
      await runUntilStopped(() => daemon.stop());
    });
}
