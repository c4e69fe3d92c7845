import { readFile } from 'node:fs/promises';
import { ConfigReader } from '../yaml/config-reader.js';
import { IngressError } from '../errors.js';
import { DEFAULT_ADMIN_SOCKET } from '../haproxy/tls-runtime.js';
import { NODE_PKI_PATHS, type NodePkiPaths } from './node-paths.js';
import { KEY_TYPES, type KeyType } from './crypto.js';
import { DEFAULT_RENEWAL_FRACTION } from './renewal.js';
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

/** Parses and checks the YAML text; errors name the file, line and field. */
export function parseRenewConfig(text: string, file: string): RenewAgentConfig {
  const r: ConfigReader = ConfigReader.parse(text, file);
  const raw = r.raw([]);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    r.fail([], 'the renewal agent config must be a mapping');
  const str = (path: string, fallback?: string): string => {
    const at = path.split('.');
    const value = r.raw(at);
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value !== 'string' || value === '') r.fail(at, `${path} must be a non-empty string`);
    return value;
  };
  const name = str('name');
  try {
    assertCertName(name);
  } catch {
    r.fail(['name'], `invalid certificate name "${name}"`);
  }
  const url = str('signer.url');
  if (!/^https:\/\/[^/]+/.test(url))
    r.fail(['signer', 'url'], `signer.url must be an https:// URL, got "${url}"`);
  const keyType = str('keyType', 'ecdsa-p256');
  if (!(KEY_TYPES as readonly string[]).includes(keyType))
    r.fail(['keyType'], `unknown key type "${keyType}"`);
  const fraction = r.raw(['renewFraction']) ?? DEFAULT_RENEWAL_FRACTION;
  if (typeof fraction !== 'number' || !(fraction > 0 && fraction < 1))
    r.fail(['renewFraction'], 'renewFraction must be a number between 0 and 1');
  return {
    name,
    signer: { url, ...(r.has(['signer', 'serverName']) ? { serverName: str('signer.serverName') } : {}) },
    paths: {
      dir: str('pki.dir', NODE_PKI_PATHS.dir),
      combinedPem: str('pki.combinedPem', NODE_PKI_PATHS.combinedPem),
      caFile: str('pki.caFile', NODE_PKI_PATHS.caFile),
      crlFile: str('pki.crlFile', NODE_PKI_PATHS.crlFile),
    },
    haproxy:
      r.raw(['haproxy', 'enabled']) === false
        ? undefined
        : {
            adminSocket: str('haproxy.adminSocket', DEFAULT_ADMIN_SOCKET),
            unit: str('haproxy.unit', 'haproxy'),
          },
    keyType: keyType as KeyType,
    renewFraction: fraction,
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
