import { quote } from 'shlex';

/**
 * systemd units for renewal without an operator. A timer plus a oneshot service rather
 * than a resident loop: nothing to leak or wedge between runs, systemd records every
 * run's outcome in the journal, and a crash of one run never stops the next.
 */
export interface RenewUnitsInput {
  /** The command that runs the CLI, e.g. ["/usr/bin/node", "/opt/ingress/ingress.cjs"]. */
  ingress: readonly string[];
  configFile: string;
  /** Time between runs; a few minutes in production (the certificate lives 30 days). */
  intervalSec?: number;
  /** Spreads nodes apart so they do not all call the signer at once. */
  randomDelaySec?: number;
}

export interface RenderedUnit {
  name: string;
  text: string;
}

/**
 * The programs exit within 2 s of SIGTERM (src/daemon/stop-signals.ts); systemd's default of
 * 90 s would only ever matter for a wedged process, and would hold up a restart that long.
 */
export const STOP_TIMEOUT_SEC = 5;

const execLine = (words: readonly string[]): string => words.map((w) => quote(w)).join(' ');

export function renderRenewUnits(input: RenewUnitsInput): RenderedUnit[] {
  const interval = input.intervalSec ?? 300;
  const service = [
    '[Unit]',
    'Description=ingress: renew this node certificate when due, refresh CA bundle and CRL',
    'After=network-online.target haproxy.service',
    '',
    '[Service]',
    'Type=oneshot',
    `ExecStart=${execLine([...input.ingress, 'pki', 'renew', '--config', input.configFile])}`,
    `TimeoutStopSec=${STOP_TIMEOUT_SEC}s`,
    'UMask=0077',
    '',
  ].join('\n');
  const timer = [
    '[Unit]',
    'Description=ingress: certificate renewal timer',
    '',
    '[Timer]',
    `OnBootSec=${Math.min(interval, 60)}s`,
    `OnUnitActiveSec=${interval}s`,
    `RandomizedDelaySec=${input.randomDelaySec ?? Math.floor(interval / 10)}s`,
    'AccuracySec=1s',
    '',
    '[Install]',
    'WantedBy=timers.target',
    '',
  ].join('\n');
  return [
    { name: 'ingress-pki-renew.service', text: service },
    { name: 'ingress-pki-renew.timer', text: timer },
  ];
}

export interface SignerUnitInput {
  ingress: readonly string[];
  stateDir: string;
  listen: string;
  extraArgs?: readonly string[];
}

/** The signer as a resident service on the local proxy (or the controller), never on an ingress node. */
export function renderSignerUnit(input: SignerUnitInput): RenderedUnit {
  const args = [...input.ingress, 'pki', 'signer', '--state-dir', input.stateDir, '--listen', input.listen];
  const text = [
    '[Unit]',
    'Description=ingress: certificate renewal signer (mTLS)',
    'After=network-online.target',
    '',
    '[Service]',
    `ExecStart=${execLine([...args, ...(input.extraArgs ?? [])])}`,
    'Restart=on-failure',
    'RestartSec=2s',
    `TimeoutStopSec=${STOP_TIMEOUT_SEC}s`,
    'UMask=0077',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
  return { name: 'ingress-pki-signer.service', text };
}
