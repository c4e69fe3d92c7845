import { IngressError } from '../errors.js';
import type { ExecResult } from '../transport/types.js';
import { shq } from './quote.js';
import type { Fact } from './types.js';

/** dpkg's third status word; `config-files` means removed but not purged. */
export type PackageStatus = 'installed' | 'config-files' | 'not-installed' | 'other';

export interface PackageState {
  name: string;
  status: PackageStatus;
  version?: string;
  /** What `apt-get install` would bring (from apt-cache policy); absent if unknown. */
  candidate?: string;
}

function statusOf(status: string): PackageStatus {
  const word = status.trim().split(/\s+/)[2];
  if (word === 'installed' || word === 'config-files' || word === 'not-installed') return word;
  return 'other';
}

/** Parses `dpkg-query -W -f='${Package}\t${Status}\t${Version}\n'`; names it never printed are not installed. */
export function parseDpkgQuery(stdout: string, names: readonly string[]): Record<string, PackageState> {
  const out: Record<string, PackageState> = {};
  for (const name of names) out[name] = { name, status: 'not-installed' };
  for (const line of stdout.split('\n')) {
    const [name, status, version] = line.split('\t');
    if (name === undefined || status === undefined || !(name in out)) continue;
    const state = statusOf(status);
    out[name] = state === 'installed' && version ? { name, status: state, version } : { name, status: state };
  }
  return out;
}

/** dpkg-query prints what it knows and complains on stderr (rc 1) about the rest: both are answers. */
export function dpkgFact(names: readonly string[]): Fact<Record<string, PackageState>> {
  return {
    name: 'dpkg',
    command: () => `dpkg-query -W -f='\${Package}\\t\${Status}\\t\${Version}\\n' ${names.map(shq).join(' ')}`,
    parse: (result: ExecResult) => {
      if (result.rc > 1) throw new IngressError('E_MODULE', `dpkg-query failed: ${result.stderr.trim()}`);
      return parseDpkgQuery(result.stdout, names);
    },
  };
}

/** Parses `apt-cache policy NAME...`: Installed and Candidate per package ("(none)" is none). */
export function parseAptPolicy(stdout: string, names: readonly string[]): Record<string, PackageState> {
  const out: Record<string, PackageState> = {};
  for (const name of names) out[name] = { name, status: 'not-installed' };
  let current: PackageState | undefined;
  for (const line of stdout.split('\n')) {
    const head = /^(\S+):$/.exec(line);
    if (head?.[1] !== undefined) {
      current = out[head[1]];
      continue;
    }
    const field = /^\s+(Installed|Candidate):\s*(\S+)/.exec(line);
    if (current === undefined || field === null) continue;
    const value = field[2] === '(none)' ? undefined : field[2];
    if (field[1] === 'Candidate' && value !== undefined) current.candidate = value;
    if (field[1] === 'Installed' && value !== undefined) {
      current.status = 'installed';
      current.version = value;
    }
  }
  return out;
}

export function aptPolicyFact(names: readonly string[]): Fact<Record<string, PackageState>> {
  return {
    name: 'apt-policy',
    command: () => `LC_ALL=C apt-cache policy ${names.map(shq).join(' ')}`,
    parse: (result) => {
      if (result.rc !== 0)
        throw new IngressError('E_MODULE', `apt-cache policy failed: ${result.stderr.trim()}`);
      return parseAptPolicy(result.stdout, names);
    },
  };
}

export interface AptCacheState {
  /**
   * Last successful update (seconds since epoch), from the stamp file or the lists folder;
   * absent when no package index is there or a source changed since (a new VPS, an added
   * repository), so that apt is never asked to install from lists it does not have.
   */
  updatedS?: number;
  /** The host's clock, so the age does not depend on the controller's. */
  nowS: number;
}

export function parseAptCache(result: ExecResult): AptCacheState {
  const get = (key: string): number | undefined => {
    const value = /^(\w+) (\d+)$/m.exec(
      result.stdout.split('\n').find((l) => l.startsWith(`${key} `)) ?? '',
    )?.[2];
    return value === undefined ? undefined : Number(value);
  };
  const now = get('now');
  if (now === undefined)
    throw new IngressError('E_MODULE', `cannot read the apt cache age: ${result.stderr.trim()}`);
  const updated = get('updated');
  const indexes = get('indexes');
  const sources = get('sources');
  const current = updated !== undefined && indexes !== 0 && (sources === undefined || sources <= updated);
  return current ? { updatedS: updated, nowS: now } : { nowS: now };
}

/**
 * As Ansible: the update-success stamp if there is one, else the mtime of /var/lib/apt/lists;
 * plus how many package indexes exist and when the sources last changed.
 */
export function aptCacheFact(): Fact<AptCacheState> {
  return {
    name: 'apt-cache',
    command: () =>
      'for f in /var/lib/apt/periodic/update-success-stamp /var/lib/apt/lists; do ' +
      'if [ -e "$f" ]; then echo "updated $(stat -c %Y "$f")"; break; fi; done; ' +
      'echo "indexes $(ls /var/lib/apt/lists 2>/dev/null | grep -c _Packages)"; ' +
      'echo "sources $(stat -c %Y /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null | sort -n | tail -1)"; ' +
      'echo "now $(date +%s)"',
    parse: parseAptCache,
  };
}
