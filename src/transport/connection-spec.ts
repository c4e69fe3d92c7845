import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { IngressError } from '../errors.js';
import type { BecomeSpec, ConnectionSpec } from './types.js';

/** Ansible's default `timeout` (seconds) for establishing a connection. */
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

export interface ConnectionSpecOptions {
  knownHostsFile?: string;
  acceptNewHostKeys: boolean;
  connectTimeoutMs?: number;
  /** Where the host's variables came from, for error locations. */
  sourceFile?: string;
}

function invalid(hostName: string, variable: string, why: string, sourceFile = 'inventory'): IngressError {
  return new IngressError('E_INVENTORY', `host ${hostName}: ${variable} ${why}`, {
    location: { file: sourceFile, field: `${hostName}.${variable}` },
  });
}

/** The first variable set among Ansible's name and its older aliases. */
function pick(vars: Record<string, unknown>, names: string[]): { name: string; value: unknown } | undefined {
  for (const name of names) {
    const value = vars[name];
    if (value !== undefined && value !== null && value !== '') return { name, value };
  }
  return undefined;
}

function text(hostName: string, found: { name: string; value: unknown } | undefined, source?: string) {
  if (found === undefined) return undefined;
  if (typeof found.value === 'string') return found.value;
  if (typeof found.value === 'number') return String(found.value);
  throw invalid(hostName, found.name, `must be a string, got ${JSON.stringify(found.value)}`, source);
}

function port(hostName: string, vars: Record<string, unknown>, source?: string): number {
  const found = pick(vars, ['ansible_port', 'ansible_ssh_port']);
  if (!found) return 22;
  const value = Number(found.value);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw invalid(
      hostName,
      found.name,
      `must be a TCP port (1-65535), got ${JSON.stringify(found.value)}`,
      source,
    );
  }
  return value;
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

function connection(hostName: string, vars: Record<string, unknown>, source?: string): 'ssh' | 'local' {
  const value = text(hostName, pick(vars, ['ansible_connection']), source) ?? 'ssh';
  if (value === 'ssh' || value === 'smart' || value === 'paramiko') return 'ssh';
  if (value === 'local') return 'local';
  throw invalid(hostName, 'ansible_connection', `must be ssh or local, got ${JSON.stringify(value)}`, source);
}

function timeoutMs(
  hostName: string,
  vars: Record<string, unknown>,
  fallback: number,
  source?: string,
): number {
  const found = pick(vars, ['ansible_timeout', 'ansible_ssh_timeout']);
  if (!found) return fallback;
  const seconds = Number(found.value);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw invalid(
      hostName,
      found.name,
      `must be a positive number of seconds, got ${JSON.stringify(found.value)}`,
      source,
    );
  }
  return seconds * 1000;
}

/** How to reach a host, from Ansible's connection variables (already templated). */
export function connectionSpecFromVars(
  hostName: string,
  vars: Record<string, unknown>,
  options: ConnectionSpecOptions,
): ConnectionSpec {
  const src = options.sourceFile;
  const keyFile = text(
    hostName,
    pick(vars, ['ansible_ssh_private_key_file', 'ansible_private_key_file']),
    src,
  );
  const password = text(
    hostName,
    pick(vars, ['ansible_password', 'ansible_ssh_pass', 'ansible_ssh_password']),
    src,
  );
  return {
    hostName,
    connection: connection(hostName, vars, src),
    address: text(hostName, pick(vars, ['ansible_host', 'ansible_ssh_host']), src) ?? hostName,
    port: port(hostName, vars, src),
    user: text(hostName, pick(vars, ['ansible_user', 'ansible_ssh_user']), src) ?? userInfo().username,
    ...(keyFile === undefined ? {} : { privateKeyFile: expandHome(keyFile) }),
    ...(password === undefined ? {} : { password }),
    connectTimeoutMs: timeoutMs(hostName, vars, options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, src),
    knownHostsFile: expandHome(options.knownHostsFile ?? join(homedir(), '.ssh', 'known_hosts')),
    acceptNewHostKeys: options.acceptNewHostKeys,
  };
}

const TRUE_WORDS = new Set(['yes', 'on', 'true', '1', 'y', 't']);
const FALSE_WORDS = new Set(['no', 'off', 'false', '0', 'n', 'f']);

/** Ansible's boolean filter: yes/no, true/false, on/off, 1/0. */
export function ansibleBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const word = String(value).trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return undefined;
}

/**
 * Privilege escalation for a host. Connection variables (ansible_become*)
 * override the play's keywords, as in Ansible's precedence rules.
 */
export function becomeSpecFromVars(
  vars: Record<string, unknown>,
  playBecome: { become?: boolean; becomeUser?: string } = {},
): BecomeSpec {
  const rawBecome = pick(vars, ['ansible_become']);
  const become = rawBecome === undefined ? (playBecome.become ?? false) : ansibleBoolean(rawBecome.value);
  if (become === undefined) {
    throw new IngressError(
      'E_INVENTORY',
      `ansible_become must be a boolean, got ${JSON.stringify(rawBecome?.value)}`,
      {
        location: { file: 'inventory', field: 'ansible_become' },
      },
    );
  }
  const method = pick(vars, ['ansible_become_method'])?.value ?? 'sudo';
  if (method !== 'sudo') {
    throw new IngressError(
      'E_INVENTORY',
      `ansible_become_method ${JSON.stringify(method)} is not supported (only sudo)`,
      {
        location: { file: 'inventory', field: 'ansible_become_method' },
      },
    );
  }
  const user = pick(vars, ['ansible_become_user'])?.value ?? playBecome.becomeUser ?? 'root';
  if (typeof user !== 'string') {
    throw new IngressError(
      'E_INVENTORY',
      `ansible_become_user must be a string, got ${JSON.stringify(user)}`,
      {
        location: { file: 'inventory', field: 'ansible_become_user' },
      },
    );
  }
  return { become, user, method: 'sudo' };
}
