import { readFile } from 'node:fs/promises';
import { isMap } from 'yaml';
import { parseAnsibleYaml } from '../yaml/ansible-yaml.js';
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

type Raw = Record<string, unknown>;

/** Parses and checks the YAML text; errors name the file, line and field. */
export function parseRenewConfig(text: string, file: string): RenewAgentConfig {
  const { doc, lines } = parseAnsibleYaml(text, file, 'E_CONFIG');
  const fail = (field: string, message: string): never => {
    const node = doc.getIn(field.split('.'), true) as { range?: [number, number] } | undefined;
    const line = node?.range ? lines.linePos(node.range[0]).line : undefined;
    throw new IngressError('E_CONFIG', message, {
      location: { file, field, ...(line === undefined ? {} : { line }) },
    });
  };
  if (!isMap(doc.contents)) fail('', 'the renewal agent config must be a mapping');
  const raw = doc.toJS() as Raw;
  const str = (field: string, fallback?: string): string => {
    const value = field.split('.').reduce<unknown>((obj, key) => (obj as Raw | undefined)?.[key], raw);
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value !== 'string' || value === '') return fail(field, `${field} must be a non-empty string`);
    return value;
  };
  return build(raw, str, fail);
}

function build(
  raw: Raw,
  str: (field: string, fallback?: string) => string,
  fail: (field: string, message: string) => never,
): RenewAgentConfig {
  const name = str('name');
  try {
    assertCertName(name);
  } catch {
    fail('name', `invalid certificate name "${name}"`);
  }
  const url = str('signer.url');
  if (!/^https:\/\/[^/]+/.test(url)) fail('signer.url', `signer.url must be an https:// URL, got "${url}"`);
  const serverName = (raw.signer as Raw | undefined)?.serverName;
  const keyType = str('keyType', 'ecdsa-p256');
  if (!(KEY_TYPES as readonly string[]).includes(keyType)) fail('keyType', `unknown key type "${keyType}"`);
  const fraction = raw.renewFraction ?? DEFAULT_RENEWAL_FRACTION;
  if (typeof fraction !== 'number' || !(fraction > 0 && fraction < 1)) {
    fail('renewFraction', 'renewFraction must be a number between 0 and 1');
  }
  const haproxyOn = (raw.haproxy as Raw | undefined)?.enabled !== false;
  return {
    name,
    signer: { url, ...(serverName === undefined ? {} : { serverName: str('signer.serverName') }) },
    paths: {
      dir: str('pki.dir', NODE_PKI_PATHS.dir),
      combinedPem: str('pki.combinedPem', NODE_PKI_PATHS.combinedPem),
      caFile: str('pki.caFile', NODE_PKI_PATHS.caFile),
      crlFile: str('pki.crlFile', NODE_PKI_PATHS.crlFile),
    },
    haproxy: haproxyOn
      ? {
          adminSocket: str('haproxy.adminSocket', DEFAULT_ADMIN_SOCKET),
          unit: str('haproxy.unit', 'haproxy'),
        }
      : undefined,
    keyType: keyType as KeyType,
    renewFraction: fraction as number,
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
