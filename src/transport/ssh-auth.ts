import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
// ssh2 is CommonJS: Node's ESM loader only sees some of its names, so take `utils` off the default export.
import ssh2, { type AgentAuthMethod, type PasswordAuthMethod, type PublicKeyAuthMethod } from 'ssh2';
import { IngressError } from '../errors.js';
import type { ConnectionSpec } from './types.js';

export type SshAuthMethod = AgentAuthMethod | PublicKeyAuthMethod | PasswordAuthMethod;

/** The identities ssh tries when none is named. */
const DEFAULT_IDENTITIES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

async function readKey(file: string, explicit: boolean, spec: ConnectionSpec): Promise<Buffer | undefined> {
  let key: Buffer;
  try {
    key = await readFile(file);
  } catch (err) {
    if (!explicit) return undefined;
    throw new IngressError(
      'E_UNREACHABLE',
      `host unreachable: ${spec.hostName}: cannot read private key ${file}`,
      {
        cause: err,
      },
    );
  }
  const parsed = ssh2.utils.parseKey(key);
  if (parsed instanceof Error) {
    if (!explicit) return undefined;
    throw new IngressError(
      'E_UNREACHABLE',
      `host unreachable: ${spec.hostName}: cannot use private key ${file}: ${parsed.message}`,
      { cause: parsed },
    );
  }
  return key;
}

/**
 * The authentication methods to try, in ssh's order: the agent, then the
 * named key (or the default identities), then the password.
 */
export async function authMethods(
  spec: ConnectionSpec,
  env: NodeJS.ProcessEnv = process.env,
): Promise<SshAuthMethod[]> {
  const username = spec.user;
  const methods: SshAuthMethod[] = [];
  const agent = env['SSH_AUTH_SOCK'];
  if (agent) methods.push({ type: 'agent', username, agent });
  const files = spec.privateKeyFile
    ? [spec.privateKeyFile]
    : DEFAULT_IDENTITIES.map((name) => join(homedir(), '.ssh', name));
  for (const file of files) {
    const key = await readKey(file, spec.privateKeyFile !== undefined, spec);
    if (key) methods.push({ type: 'publickey', username, key });
  }
  if (spec.password !== undefined) methods.push({ type: 'password', username, password: spec.password });
  if (methods.length === 0) {
    throw new IngressError(
      'E_UNREACHABLE',
      `host unreachable: ${spec.hostName}: no way to authenticate as ${username} ` +
        '(no ssh-agent, no private key, no password)',
    );
  }
  return methods;
}
