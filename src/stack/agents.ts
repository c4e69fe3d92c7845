import { readFile } from 'node:fs/promises';
import { parseKeyFile, selectKey } from '../dns/key-file.js';
import { IngressError } from '../errors.js';
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

/**
 * The TSIG key the daemons sign DNS updates with: `ingress_dns.tsig_key_file` on the
 * controller, checked here so a bad file fails before any host is touched. '' when the
 * inventory names none (the daemon role is then skipped).
 */
export async function readTsigKey(vars: Record<string, unknown>): Promise<string> {
  const dns = vars['ingress_dns'] as Record<string, unknown> | undefined;
  const file = dns?.['tsig_key_file'];
  if (typeof file !== 'string') return '';
  const text = await readFile(file, 'utf8').catch((cause: unknown) => {
    throw new IngressError('E_CONFIG', `cannot read the TSIG key file ${file}`, {
      cause,
      location: { file: '<inventory>', field: 'ingress_dns.tsig_key_file' },
    });
  });
  const name = typeof dns?.['tsig_key_name'] === 'string' ? dns['tsig_key_name'] : undefined;
  selectKey(parseKeyFile(text, file), file, name);
  return text;
}
