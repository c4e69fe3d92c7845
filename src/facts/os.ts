/** Distribution facts from /etc/os-release, named as Ansible names them. */

export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m?.[1] === undefined || m[2] === undefined) continue;
    out[m[1]] = m[2].replace(/^(["'])(.*)\1$/, '$2');
  }
  return out;
}

const DISTRIBUTION_NAMES: Record<string, string> = {
  debian: 'Debian',
  ubuntu: 'Ubuntu',
  centos: 'CentOS',
  rhel: 'RedHat',
  fedora: 'Fedora',
  rocky: 'Rocky',
  almalinux: 'AlmaLinux',
  alpine: 'Alpine',
  arch: 'Archlinux',
  opensuse: 'openSUSE',
  'opensuse-leap': 'openSUSE Leap',
  sles: 'SLES',
};

const FAMILIES: Record<string, string> = {
  debian: 'Debian',
  ubuntu: 'Debian',
  rhel: 'RedHat',
  centos: 'RedHat',
  fedora: 'RedHat',
  rocky: 'RedHat',
  almalinux: 'RedHat',
  alpine: 'Alpine',
  arch: 'Archlinux',
  suse: 'Suse',
  opensuse: 'Suse',
  sles: 'Suse',
};

export interface DistributionFacts {
  distribution: string;
  distribution_version: string;
  distribution_major_version: string;
  distribution_release: string;
  os_family: string;
}

/** Debian's point release lives in /etc/debian_version ("12.5"); os-release only says "12". */
export function distributionFacts(
  osRelease: Record<string, string>,
  debianVersion: string,
): DistributionFacts {
  const id = (osRelease.ID ?? 'unknown').toLowerCase();
  const like = (osRelease.ID_LIKE ?? '').toLowerCase().split(/\s+/);
  const pointRelease = debianVersion.trim();
  const version =
    id === 'debian' && /^\d+(\.\d+)*$/.test(pointRelease) ? pointRelease : (osRelease.VERSION_ID ?? 'NA');
  const family =
    FAMILIES[id] ?? like.map((l) => FAMILIES[l]).find((f) => f !== undefined) ?? DISTRIBUTION_NAMES[id] ?? id;
  return {
    distribution: DISTRIBUTION_NAMES[id] ?? osRelease.NAME ?? id,
    distribution_version: version,
    distribution_major_version: version.split('.')[0] ?? version,
    distribution_release: osRelease.VERSION_CODENAME ?? osRelease.UBUNTU_CODENAME ?? 'NA',
    os_family: family,
  };
}

/** systemd if it runs the host (its /run folder exists), else what PID 1 is called. */
export function serviceManager(initComm: string, systemdRunning: boolean): string {
  if (systemdRunning || initComm.trim() === 'systemd') return 'systemd';
  const comm = initComm.trim();
  if (comm === 'init') return 'sysvinit';
  return comm === '' ? 'service' : comm;
}
