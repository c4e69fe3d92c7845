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

/**
 * The node program's `daemon`: logs through pino, and with --check-config checks the config
 * and the files it names, then exits (the playbook runs this before replacing a config).
 */
export function registerNodeDaemonCommand(program: Command, _setExitCode: SetExitCode): void {
  program
    .command('daemon')
    .description('run the health daemon')
    .requiredOption('--config <file>', 'daemon config file (YAML)')
    .option('--check-config', 'check the config and the files it names, then exit', false)
    .action(async (options: { config: string; checkConfig: boolean }) => {
      if (options.checkConfig) {
        const { checkDaemonConfig } = await import('../../daemon/check-config.js');
        process.stdout.write(`${await checkDaemonConfig(options.config)}\n`);
        return;
      }
      const [{ startDaemon }, { pino }] = await Promise.all([import('../../daemon/main.js'), import('pino')]);
      const daemon = await startDaemon(options.config, pino());
      await runUntilStopped(() => daemon.stop());
    });
}
