import { IngressError } from '../errors.js';
import { scalarProblem } from '../yaml/scalars.js';

/**
 * Where the CA lives and how certificates renew, from group_vars `ingress_pki`
 * (defaults: controller, port 9443, 30 days, a renewal check every 300 s).
 */
export type SignerLocation = 'controller' | 'local_proxy';

export interface PkiSettings {
  signer: SignerLocation;
  signerPort: number;
  lifetimeDays: number;
  renewIntervalS: number;
}

/** The CA's home on the local proxy when `ingress_pki.signer: local_proxy`. */
export const REMOTE_STATE_DIR = '/var/lib/ingress/pki';

type Vars = Record<string, unknown>;

function fail(field: string, message: string): never {
  throw new IngressError('E_CONFIG', message, { location: { file: '<inventory>', field } });
}

function intOr(pki: Vars, key: string, fallback: number, max: number): number {
  const value = pki[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max)
    fail(`ingress_pki.${key}`, `ingress_pki.${key} must be a whole number from 1 to ${max}`);
  return value;
}

export function pkiSettings(vars: Vars): PkiSettings {
  const raw = vars['ingress_pki'] ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    fail('ingress_pki', 'ingress_pki must be a mapping');
  const pki = raw as Vars;
  const signer = pki['signer'] ?? 'controller';
  if (signer !== 'controller' && signer !== 'local_proxy')
    fail(
      'ingress_pki.signer',
      `ingress_pki.signer must be controller or local_proxy, got "${String(signer)}"`,
    );
  return {
    signer,
    signerPort: intOr(pki, 'signer_port', 9443, 65_535),
    lifetimeDays: intOr(pki, 'cert_lifetime_days', 30, 825),
    renewIntervalS: intOr(pki, 'renew_interval_s', 300, 86_400),
  };
}

/** Ingress nodes reconfigured at once: a quarter of the fleet, so three in four keep serving. */
export const DEFAULT_ROLLING_BATCH = '25%';

/**
 * `ingress_rolling_batch` as the ingress nodes see it (group_vars), one value for
 * the fleet: site.yml rolls the ingress group in batches of this size.
 */
export function rollingBatch(varsOfIngress: readonly Vars[]): number | string {
  const values = new Set(varsOfIngress.map((v) => v['ingress_rolling_batch'] ?? DEFAULT_ROLLING_BATCH));
  if (values.size > 1)
    fail('ingress_rolling_batch', 'ingress_rolling_batch must be the same for every ingress node');
  const value = [...values][0] ?? DEFAULT_ROLLING_BATCH;
  const problem = scalarProblem({ kind: 'batch' }, value);
  if (problem) fail('ingress_rolling_batch', `ingress_rolling_batch ${problem}`);
  return value as number | string;
}
