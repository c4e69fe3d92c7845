import { STEERING_SCHEMA } from '../daemon/config-schema.js';
import type { Field } from '../yaml/shape.js';
import { SHAPES, int, object, opt, req } from '../yaml/shape.js';

/**
 * What `ingress up` accepts in group_vars and in host variables: every key is known,
 * so a typo fails before any host is touched instead of silently using a default.
 */

const { ident, ip, domain, path, port } = SHAPES;
const ms = int(50, 600_000);
const count = int(1, 100);

/** Keys allowed at the top of any group_vars file of a stack inventory. */
export const GROUP_VARS_SCHEMA: Record<string, Field> = {
  ingress_dns: opt(
    object({
      server: req(ip),
      port: opt(port),
      zone: req(domain),
      // Each node's key is named <host>.<tsig_key_name>; `ingress up` makes them.
      tsig_key_name: req(domain),
      tsig_algorithm: opt({ kind: 'enum', values: ['hmac-sha256'] }),
    }),
  ),
  ingress_acme: opt(
    object({
      directory: req({ kind: 'https-url' }),
      email: req({ kind: 'email' }),
      ca_bundle: opt(path),
      http_port: opt(port),
      // How long certbot waits after writing a DNS-01 TXT record (the mesh names' certificates).
      dns_propagation_s: opt({ kind: 'int', min: 0, max: 3600 }),
    }),
  ),
  ingress_pki: opt(
    object({
      cert_lifetime_days: opt({ kind: 'int', min: 1, max: 825 }),
      key_type: opt({ kind: 'enum', values: ['ecdsa-p256', 'rsa-2048', 'rsa-3072'] }),
      // Where the CA and the renewal signer live.
      signer: opt({ kind: 'enum', values: ['controller', 'local_proxy'] }),
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
  // Weight steering by path quality: passed through to the daemon's `steering:` key by key,
  // so it is the daemon's own schema (which also checks the thresholds' order at start).
  ingress_steering: opt(STEERING_SCHEMA),
  ingress_yggdrasil: opt(
    object({
      listen_port: opt(port),
      multicast_interfaces: opt({ kind: 'list', of: { kind: 'iface' } }),
      extra_peers: opt({ kind: 'list', of: { kind: 'peer-uri' } }),
    }),
  ),
  ingress_wans: opt({
    kind: 'list',
    uniqueBy: 'name',
    of: object({ name: req(ident), address: req(ip), bind_address: opt(ip) }),
  }),
  ingress_services: opt({
    kind: 'list',
    uniqueBy: 'domain',
    of: object({
      domain: req(domain),
      backend: req({ kind: 'hostport' }),
      health_path: opt({ kind: 'url-path' }),
      // The name mesh users reach it under (default mesh.<domain>): AAAA = the local proxy's Yggdrasil address.
      mesh_name: opt(domain),
    }),
  }),
  // How many ingress nodes `ingress up` reconfigures at once (default "25%", at least one).
  ingress_rolling_batch: opt({ kind: 'batch' }),
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

/**
 * Ansible's connection variables as a stack inventory may set them; the
 * others it knows are refused here (the stack needs none of them).
 */
export const CONNECTION_VARS_SCHEMA: Record<string, Field> = {
  ansible_host: opt({ kind: 'host' }),
  ansible_port: opt(port),
  ansible_user: opt({ kind: 'user' }),
  ansible_connection: opt({ kind: 'enum', values: ['ssh', 'local'] }),
  ansible_ssh_private_key_file: opt({ kind: 'local-path' }),
  ansible_private_key_file: opt({ kind: 'local-path' }),
  ansible_password: opt({ kind: 'secret' }),
  ansible_ssh_pass: opt({ kind: 'secret' }),
  ansible_become: opt({ kind: 'bool' }),
  ansible_become_user: opt({ kind: 'user' }),
  ansible_become_password: opt({ kind: 'secret' }),
  ansible_become_pass: opt({ kind: 'secret' }),
  ansible_timeout: opt({ kind: 'int', min: 1, max: 3600 }),
  ansible_ssh_timeout: opt({ kind: 'int', min: 1, max: 3600 }),
  ansible_python_interpreter: opt(path),
  ansible_group_priority: opt({ kind: 'int', min: -1000, max: 1000 }),
};
