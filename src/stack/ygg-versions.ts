import { IngressError } from '../errors.js';

/** What a node's dpkg says about its yggdrasil package (read before anything changes). */
export interface YggVersionReport {
  host: string;
  /** The installed package version, e.g. `0.5.12-1`; absent when not installed. */
  installed?: string;
}

/** The version `ingress up` installs where none is: Debian 13's, or bookworm-backports' on 12. */
export const YGG_INSTALLED_BY_UP = '0.5';

const VERSION = /^[0-9]+\.[0-9]+(\.[0-9]+)?[A-Za-z0-9.+~-]*$/;

/** The command that reads the report: read-only, and a missing package is an answer. */
export const YGG_VERSION_COMMAND =
  "dpkg-query -W -f='${Status}\\t${Version}\\n' yggdrasil 2>/dev/null || true";

/** Parses the command's output; a version of any other form is refused with the host's name. */
export function parseYggVersion(host: string, stdout: string): YggVersionReport {
  const [status = '', version = ''] = stdout.trim().split('\t');
  if (!/\binstalled$/.test(status.trim()) || /not-installed|config-files/.test(status)) return { host };
  const bare = version.replace(/^[0-9]+:/, '');
  if (!VERSION.test(bare))
    throw new IngressError(
      'E_MODULE',
      `${host}: dpkg reports a malformed yggdrasil version ${JSON.stringify(version.slice(0, 40))}`,
    );
  return { host, installed: bare };
}

/** Nodes of one protocol family peer; 0.4 and 0.5 do not (the family is major.minor before 1.0). */
export function yggFamily(version: string): string {
  const [major = '0', minor = '0'] = version.split(/[.+~-]/);
  return major === '0' ? `${major}.${minor}` : major;
}

interface Planned {
  host: string;
  family: string;
  said: string;
}

function planned(report: YggVersionReport): Planned {
  if (report.installed === undefined)
    return {
      host: report.host,
      family: YGG_INSTALLED_BY_UP,
      said: `${YGG_INSTALLED_BY_UP}, to be installed`,
    };
  return { host: report.host, family: yggFamily(report.installed), said: `${report.installed} installed` };
}

/**
 * Refuses, before any change, a fleet whose Yggdrasil would not be one protocol
 * family after this run (installed packages are kept; missing ones get 0.5), or one
 * still on 0.4, which cannot reach the public mesh. The message names every node.
 */
export function checkYggFleet(reports: readonly YggVersionReport[]): void {
  const nodes = reports.map(planned);
  const families = [...new Set(nodes.map((n) => n.family))].sort();
  const list = (family: string): string =>
    nodes
      .filter((n) => n.family === family)
      .map((n) => `${n.host} (${n.said})`)
      .join(', ');
  if (families.length > 1)
    throw new IngressError(
      'E_CONFIG',
      `Yggdrasil versions would mix on the mesh, and ${families.join(' and ')} cannot peer: ${families
        .map((f) => `${f} on ${list(f)}`)
        .join(
          '; ',
        )}. Upgrade the older nodes to ${YGG_INSTALLED_BY_UP} (Debian 12: from bookworm-backports) or remove their yggdrasil package, then run ingress up again; nothing was changed`,
    );
  const [only] = families;
  if (only !== undefined && only !== YGG_INSTALLED_BY_UP)
    throw new IngressError(
      'E_CONFIG',
      `Yggdrasil ${only} on ${list(only)}: ingress needs ${YGG_INSTALLED_BY_UP} on every node (Debian 12: from bookworm-backports); nothing was changed`,
    );
}
