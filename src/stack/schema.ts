/**
 * What `ingress up` accepts in group_vars and in host variables: every key is known,
 * so a typo fails before any host is touched instead of silently using a default.
 */

export type Shape =
  | { kind: 'string' }
  | { kind: 'bool' }
  | { kind: 'int'; min: number; max: number }
  | { kind: 'ip' }
  | { kind: 'hostport' }
  | { kind: 'url' }
  | { kind: 'domain' }
  | { kind: 'path' }
  | { kind: 'list'; of: Shape; uniqueBy?: string }
  | { kind: 'object'; fields: Record<string, Field> };

export interface Field {
  shape: Shape;
  required?: boolean;
}

const str: Shape = { kind: 'string' };
const ip: Shape = { kind: 'ip' };
const domain: Shape = { kind: 'domain' };
const path: Shape = { kind: 'path' };
const port: Shape = { kind: 'int', min: 1, max: 65535 };
const ms: Shape = { kind: 'int', min: 50, max: 600_000 };
const count: Shape = { kind: 'int', min: 1, max: 100 };
const req = (shape: Shape): Field => ({ shape, required: true });
const opt = (shape: Shape): Field => ({ shape });
const object = (fields: Record<string, Field>): Shape => ({ kind: 'object', fields });

/** Keys allowed at the top of any group_vars file of a stack inventory. */
export const GROUP_VARS_SCHEMA: Record<string, Field> = {
  ingress_dns: opt(
    object({
      server: req(ip),
      port: opt(port),
      zone: req(domain),
      tsig_key_name: req(domain),
      tsig_algorithm: opt(str),
      tsig_key_file: opt(path),
    }),
  ),
  ingress_acme: opt(
    object({
      directory: req({ kind: 'url' }),
      email: req(str),
      ca_bundle: opt(path),
      http_port: opt(port),
    }),
  ),
  ingress_pki: opt(
    object({
      cert_lifetime_days: opt({ kind: 'int', min: 1, max: 825 }),
      key_type: opt(str),
      // controller | local_proxy (checked in settings.ts): where the CA and the renewal signer live.
      signer: opt(str),
      signer_port: opt(port),
      renew_interval_s: opt({ kind: 'int', min: 10, max: 86_400 }),
    }),
  ),
  ingress_ports: opt(
    object({
      http: opt(port),
      https: opt(port),
      mtls_http: opt(port),
      mtls_https: opt(port),
      // The daemons' probe listener on the local proxy (mTLS, no PROXY header).
      mtls_health: opt(port),
    }),
  ),
  ingress_checks: opt(
    object({
      inter_ms: opt(ms),
      fall: opt(count),
      rise: opt(count),
      timeout_connect_ms: opt(ms),
      timeout_check_ms: opt(ms),
    }),
  ),
  ingress_yggdrasil: opt(
    object({
      listen_port: opt(port),
      multicast_interfaces: opt({ kind: 'list', of: str }),
      extra_peers: opt({ kind: 'list', of: { kind: 'url' } }),
    }),
  ),
  ingress_wans: opt({
    kind: 'list',
    uniqueBy: 'name',
    of: object({ name: req(str), address: req(ip), bind_address: opt(ip) }),
  }),
  ingress_services: opt({
    kind: 'list',
    uniqueBy: 'domain',
    of: object({
      domain: req(domain),
      backend: req({ kind: 'hostport' }),
      health_path: opt(path),
    }),
  }),
  ingress_daemon: opt(
    object({
      enabled: opt({ kind: 'bool' }),
      // The name the local proxy's daemon publishes its Yggdrasil AAAA under (default <proxy>.mesh.<zone>).
      mesh_name: opt(domain),
    }),
  ),
};

/** Host variables the stack reads (Ansible's own ansible_* keys are always allowed). */
export const HOST_VARS_SCHEMA: Record<string, Field> = {
  ingress_public_addresses: opt({ kind: 'list', of: ip }),
  ingress_egress_addresses: opt({ kind: 'list', of: ip }),
  ingress_underlay_address: opt(ip),
  // The name whose addresses the local proxy's firewall admits (default <host>.<zone>).
  ingress_dns_name: opt(domain),
  ingress_wans: GROUP_VARS_SCHEMA['ingress_wans'] as Field,
};
