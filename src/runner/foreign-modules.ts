/**
 * Modules a real role may name for other platforms (RedHat, Alpine, BSD) or
 * from collections. Such a task loads; it fails, naming the module, only on a
 * host where it would run, so a `when: ansible_os_family == 'RedHat'` branch
 * is simply skipped on Debian.
 */
const OTHER_PLATFORM_BUILTINS = new Set([
  'yum',
  'dnf',
  'dnf5',
  'yum_repository',
  'rpm_key',
  'apk',
  'zypper',
  'pacman',
  'pkgng',
  'openbsd_pkg',
  'homebrew',
  'portage',
  'slackpkg',
  'swupd',
  'urpmi',
  'xbps',
  'win_command',
  'win_shell',
  'win_copy',
  'win_template',
  'win_service',
  'launchd',
  'sysvinit',
  'seboolean',
  'selinux',
  'firewalld',
  'pip',
  'mount',
  'authorized_key',
  'ufw',
  'debconf',
  'dpkg_selections',
  'hostname',
  'reboot',
  'pause',
  'uri',
  'fetch',
  'slurp',
  'find',
  'replace',
  'assemble',
  'known_hosts',
  'iptables',
  'getent',
  'package_facts',
  'script',
  'raw',
  'expect',
  'tempfile',
  'async_status',
  'add_host',
  'group_by',
  'validate_argument_spec',
]);

/** Collection names of modules this runner has under a builtin name. */
export const COLLECTION_ALIASES: Readonly<Record<string, string>> = {
  'ansible.posix.sysctl': 'sysctl',
  'community.general.sysctl': 'sysctl',
};

const FQCN = /^[a-z0-9_]+\.[a-z0-9_]+\.[a-z0-9_]+$/;

/** A name that is a module somewhere, though not here: a builtin of another platform, or a collection's. */
export function isForeignModule(key: string): boolean {
  const short = key.replace(/^ansible\.(builtin|legacy)\./, '');
  return OTHER_PLATFORM_BUILTINS.has(short) || (FQCN.test(key) && !key.startsWith('ansible.builtin.'));
}
