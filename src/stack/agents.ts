import { renderRenewUnits, renderSignerUnit } from '../pki/renew-units.js';
import { NODE_BUNDLE_PATH } from './node-bundle.js';
import type { PkiSettings } from './settings.js';
import { REMOTE_STATE_DIR } from './settings.js';

/** The command line that runs the node program on a node. */
export const NODE_PROGRAM = ['/usr/bin/node', NODE_BUNDLE_PATH] as const;
export const RENEW_CONFIG_PATH = '/etc/ingress/pki-renew.yml';

/** systemd units of the agents, as site.yml installs them (`ingress_up_units`). */
export interface AgentUnits {
  renew_service: string;
  renew_timer: string;
  signer: string;
}

export function agentUnits(settings: PkiSettings): AgentUnits {
  const [service, timer] = renderRenewUnits({
    ingress: NODE_PROGRAM,
    configFile: RENEW_CONFIG_PATH,
    intervalSec: settings.renewIntervalS,
  });
  // [::] takes IPv4 too: the ingress nodes come in on a WAN address, the proxy itself on loopback.
  const signer = renderSignerUnit({
    ingress: NODE_PROGRAM,
    stateDir: REMOTE_STATE_DIR,
    listen: `[::]:${settings.signerPort}`,
    extraArgs: ['--lifetime-days', String(settings.lifetimeDays)],
  });
  return { renew_service: service?.text ?? '', renew_timer: timer?.text ?? '', signer: signer.text };
}
