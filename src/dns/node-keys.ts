import { randomBytes } from 'node:crypto';
import { readdir, readFile, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { IngressError } from '../errors.js';
import { ensureDir, writeFileAtomic } from '../fs/atomic.js';
import { parseKeyFile, selectKey } from './key-file.js';
import type { TsigKey } from './types.js';

/** What one node's key may change: these names' A and AAAA records, these TXT records, nothing else. */
export interface KeyGrant {
  node: string;
  names: string[];
  /** TXT records the node writes itself (ACME DNS-01 challenges). */
  txtNames?: string[];
}

export interface NodeKeys {
  /** Each node's own key (the secret is for that node and the DNS server only). */
  keys: Map<string, TsigKey>;
  /** Nodes whose key was made by this call. */
  created: string[];
  /** Keys of nodes no longer in the fleet, deleted by this call. */
  removed: string[];
}

const KEY_FILE = /^([a-z0-9][a-z0-9-]*)\.key$/;
const DNS_NAME =
  /^(?=.{1,253}$)([a-z0-9_]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9_]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/**
 * The per-node keys live beside the CA's folder, never in it: the CA's folder may be
 * copied to the local proxy, and no node may hold another node's key.
 */
export function nodeKeyDir(pkiStateDir: string): string {
  const name = basename(pkiStateDir);
  return name === 'pki' ? join(dirname(pkiStateDir), 'dns') : `${pkiStateDir}-dns`;
}

export function nodeKeyName(node: string, suffix: string): string {
  return `${node}.${suffix.replace(/\.$/, '')}`.toLowerCase();
}

/** One BIND `key` statement (the form `parseKeyFile` reads back). */
export function keyStatement(key: TsigKey): string {
  return `key "${key.name}" { algorithm ${key.algorithm}; secret "${key.secret}"; };\n`;
}

function checkName(name: string, what: string): string {
  const plain = name.replace(/\.$/, '').toLowerCase();
  // These go into named.conf: only a plain DNS name may, or one value could add a statement.
  if (!DNS_NAME.test(plain))
    throw new IngressError('E_CONFIG', `${what} "${name}" is not a plain DNS name`, {
      location: { file: '<inventory>', field: what },
    });
  return plain;
}

/** `grant` rules: each node's key may change only its names' A/AAAA records and its TXT names. */
export function updatePolicyRules(grants: readonly KeyGrant[], suffix: string): string[] {
  return grants.flatMap((grant) => {
    const key = checkName(nodeKeyName(grant.node, suffix), 'key name');
    const rule = (name: string, types: string) =>
      `grant ${key} name ${checkName(name, 'record name')}. ${types};`;
    return [
      ...[...new Set(grant.names)].map((name) => rule(name, 'A AAAA')),
      ...[...new Set(grant.txtNames ?? [])].map((name) => rule(name, 'TXT')),
    ];
  });
}

async function readKey(file: string, name: string): Promise<TsigKey | undefined> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (text === undefined) return undefined;
  const key = selectKey(parseKeyFile(text, file), file);
  // A renamed suffix makes a new key rather than reusing a secret under another name.
  return key.name === name ? key : undefined;
}

/**
 * Each node's key, made on first use (32 random bytes, written 0600 in a 0700 folder).
 * Keys of hosts no longer listed are deleted, so the policy rendered next no longer
 * names them and the DNS server stops accepting them once it reloads it.
 */
export async function ensureNodeKeys(
  dir: string,
  nodes: readonly string[],
  suffix: string,
): Promise<NodeKeys> {
  await ensureDir(dir, 0o700);
  const keys = new Map<string, TsigKey>();
  const created: string[] = [];
  for (const node of nodes) {
    const name = checkName(nodeKeyName(node, suffix), 'key name');
    const file = join(dir, `${node}.key`);
    let key = await readKey(file, name);
    if (!key) {
      key = { name, algorithm: 'hmac-sha256', secret: randomBytes(32).toString('base64') };
      await writeFileAtomic(file, keyStatement(key), 0o600);
      created.push(node);
    }
    keys.set(node, key);
  }
  const removed: string[] = [];
  for (const entry of await readdir(dir)) {
    const node = KEY_FILE.exec(entry)?.[1];
    if (node === undefined || nodes.includes(node)) continue;
    await unlink(join(dir, entry));
    removed.push(node);
  }
  return { keys, created, removed };
}
