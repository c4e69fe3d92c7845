import { closest, distance } from 'fastest-levenshtein';
import { IngressError } from '../errors.js';
import type { SourceLocation } from '../errors.js';

/**
 * The `ansible_*` names we understand. Anything else starting with `ansible_` is
 * almost always a typo that Ansible would silently ignore, so we refuse it.
 */
export const KNOWN_ANSIBLE_VARS: readonly string[] = [
  // connection
  'ansible_host',
  'ansible_port',
  'ansible_user',
  'ansible_password',
  'ansible_connection',
  'ansible_ssh_host',
  'ansible_ssh_port',
  'ansible_ssh_user',
  'ansible_ssh_pass',
  'ansible_ssh_private_key_file',
  'ansible_private_key_file',
  'ansible_ssh_common_args',
  'ansible_ssh_extra_args',
  'ansible_ssh_timeout',
  'ansible_timeout',
  'ansible_host_key_checking',
  'ansible_ssh_host_key_checking',
  // accepted, no effect here: ssh2 keeps one multiplexed connection and runs no Python
  'ansible_ssh_pipelining',
  'ansible_pipelining',
  'ansible_ssh_args',
  'ansible_scp_extra_args',
  'ansible_sftp_extra_args',
  'ansible_ssh_executable',
  'ansible_ssh_retries',
  'ansible_ssh_transfer_method',
  'ansible_ssh_use_tty',
  'ansible_connection_timeout',
  'ansible_remote_tmp',
  'ansible_module_compression',
  'ansible_async_dir',
  'ansible_facts_modules',
  'ansible_interpreter_python_fallback',
  // privilege escalation
  'ansible_become',
  'ansible_become_user',
  'ansible_become_method',
  'ansible_become_password',
  'ansible_become_pass',
  'ansible_become_exe',
  'ansible_become_flags',
  // target environment
  'ansible_python_interpreter',
  'ansible_shell_type',
  'ansible_shell_executable',
  // inventory
  'ansible_group_priority',
];

export const KNOWN_CONNECTIONS: readonly string[] = ['ssh', 'local'];

export function inventoryError(message: string, location: SourceLocation, cause?: unknown): IngressError {
  return new IngressError('E_INVENTORY', message, { location, cause });
}

/** The closest candidate when it is near enough to be a plausible typo. */
export function suggest(name: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const best = closest(name, candidates);
  return distance(name, best) <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

export function didYouMean(name: string, candidates: readonly string[]): string {
  const best = suggest(name, candidates);
  return best ? `; did you mean '${best}'?` : '';
}

/** Refuses unknown ansible_* names and connection plugins we do not have. */
export function checkVariable(name: string, value: unknown, location: SourceLocation): void {
  if (!name.startsWith('ansible_')) return;
  if (!KNOWN_ANSIBLE_VARS.includes(name)) {
    throw inventoryError(
      `unknown connection variable '${name}'${didYouMean(name, KNOWN_ANSIBLE_VARS)}`,
      location,
    );
  }
  // A templated value is only known at run time; the runner checks it then.
  const templated = typeof value === 'string' && value.includes('{{');
  if (name === 'ansible_connection' && !templated && !KNOWN_CONNECTIONS.includes(String(value))) {
    throw inventoryError(
      `ansible_connection must be one of ${KNOWN_CONNECTIONS.join(', ')}, got ${JSON.stringify(value)}`,
      location,
    );
  }
  if (name === 'ansible_group_priority' && !Number.isInteger(Number(value))) {
    throw inventoryError(`ansible_group_priority must be an integer, got ${JSON.stringify(value)}`, location);
  }
}
