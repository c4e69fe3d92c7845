import { readFile } from 'node:fs/promises';
import { ConfigReader } from '../yaml/config-reader.js';
import { IngressError } from '../errors.js';
import { DEFAULT_ADMIN_SOCKET } from '../haproxy/tls-runtime.js';
import { NODE_PKI_PATHS, type NodePkiPaths } from './node-paths.js';
import type { KeyType } from './crypto.js';
import { DEFAULT_RENEWAL_FRACTION } from './renewal.js';
import { RENEW_CONFIG_SCHEMA } from './renew-schema.js';
import { assertCertName } from './store.js';

/** The renewal agent's configuration on a node (written by the playbook, read by `ingress pki renew`). */
export interface RenewAgentConfig {
  /** This node's certificate name (its CN). */
  name: string;
  signer: { url: string; serverName?: string };
  paths: NodePkiPaths;
  /** undefined: no HAProxy on this host, only the files are kept. */
  haproxy: { adminSocket: string; unit: string } | undefined;
  keyType: KeyType;
  renewFraction: number;
}

/** Parses and checks the YAML text (RENEW_CONFIG_SCHEMA); errors name the file, line and field. */
export function parseRenewConfig(text: string, file: string): RenewAgentConfig {
  const r = ConfigReader.parse(text, file, RENEW_CONFIG_SCHEMA);
  const name = r.str(['name']);
  try {
    assertCertName(name);
  } catch {
    r.fail(['name'], `must be a certificate name (letters, digits, . _ -), got "${name}"`);
  }
  return {
    name,
    signer: {
      url: r.str(['signer', 'url']),
      ...(r.has(['signer', 'serverName']) ? { serverName: r.str(['signer', 'serverName']) } : {}),
    },
    paths: {
      dir: r.str(['pki', 'dir'], NODE_PKI_PATHS.dir),
      combinedPem: r.str(['pki', 'combinedPem'], NODE_PKI_PATHS.combinedPem),
      caFile: r.str(['pki', 'caFile'], NODE_PKI_PATHS.caFile),
      crlFile: r.str(['pki', 'crlFile'], NODE_PKI_PATHS.crlFile),
    },
    haproxy: r.bool(['haproxy', 'enabled'], true)
      ? {
          adminSocket: r.str(['haproxy', 'adminSocket'], DEFAULT_ADMIN_SOCKET),
          unit: r.str(['haproxy', 'unit'], 'haproxy'),
        }
      : undefined,
    keyType: r.str(['keyType'], 'ecdsa-p256') as KeyType,
    renewFraction: r.num(['renewFraction'], DEFAULT_RENEWAL_FRACTION),
  };
}

export async function loadRenewConfig(file: string): Promise<RenewAgentConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new IngressError('E_CONFIG', 'cannot read the renewal agent config', { cause, location: { file } });
  }
  return parseRenewConfig(text, file);
}
