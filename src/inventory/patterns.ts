import picomatch from 'picomatch';
import { IngressError } from '../errors.js';
import { groupHostNames } from './graph.js';
import type { Inventory } from './types.js';

export interface Selection {
  hosts: string[];
  /** Single patterns that matched neither a group nor a host (the caller warns, as Ansible does). */
  unmatched: string[];
}

/** Ansible's split_host_pattern: commas first; otherwise ':' outside [brackets], unless it is one address. */
export function splitPattern(pattern: string | string[]): string[] {
  if (Array.isArray(pattern)) return pattern.flatMap(splitPattern);
  let parts: string[];
  if (pattern.includes(',')) parts = pattern.split(',');
  else if (isSingleAddress(pattern.trim())) parts = [pattern];
  else parts = pattern.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? [];
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

/** An IPv6 address, a host:port, or a name with a [x:y] range is one pattern, not a ':' list. */
function isSingleAddress(p: string): boolean {
  const ipv6 = /^\[?([0-9a-fA-F:.]+)\]?(?::\d+)?$/.exec(p)?.[1] ?? '';
  if (ipv6.includes('::') || ipv6.split(':').length === 8) return true;
  return /^[^:[\]!&~]+(?:\[[^\]]*\][^:[\]]*)*(?::\d+)?$/.test(p) && !p.startsWith('~');
}

/** Regular patterns first, then intersections, then exclusions; only `!`/`&` means `all` first. */
function orderPatterns(patterns: string[]): string[] {
  const regular = patterns.filter((p) => !p.startsWith('!') && !p.startsWith('&'));
  const and = patterns.filter((p) => p.startsWith('&'));
  const not = patterns.filter((p) => p.startsWith('!'));
  return [...(regular.length > 0 ? regular : ['all']), ...and, ...not];
}

function matcher(pattern: string): (name: string) => boolean {
  if (pattern.startsWith('~')) {
    let re: RegExp;
    try {
      // Python's re.match anchors at the start only.
      re = new RegExp(`^(?:${pattern.slice(1)})`);
    } catch (err) {
      throw new IngressError('E_USAGE', `invalid host pattern regex '${pattern}'`, { cause: err });
    }
    return (name) => re.test(name);
  }
  // fnmatch: * ? [seq] [!seq], and '/' or '.' are ordinary characters.
  return picomatch(pattern, { dot: true, posix: true, bash: true, nobrace: true, noextglob: true });
}

const SUBSCRIPT = /^(.+)\[(?:(-?\d+)|(\d+)[:-](\d*))\]$/;

function applySubscript(hosts: string[], m: RegExpExecArray | null, original: string): string[] {
  if (!m || hosts.length === 0) return hosts;
  if (m[2] !== undefined) {
    const index = Number(m[2]);
    const host = hosts.at(index);
    if (host === undefined)
      throw new IngressError('E_USAGE', `no hosts matched the subscripted pattern '${original}'`);
    return [host];
  }
  const start = Number(m[3]);
  const end = m[4] ? Number(m[4]) : hosts.length - 1;
  return hosts.slice(start, end + 1);
}

/** Ansible's _enumerate_matches: groups by name; hosts too if no group matched or the pattern is a glob/regex. */
function matchOne(inventory: Inventory, raw: string): { hosts: string[]; groupMatched: boolean } {
  const subscript = raw.startsWith('~') ? null : SUBSCRIPT.exec(raw);
  const pattern = subscript?.[1] ?? raw;
  const test = matcher(pattern);
  const groups = [...inventory.groups.keys()].filter((name) => test(name));
  const found = groups.flatMap((g) => groupHostNames(inventory, g));
  const special = pattern.startsWith('~') || /[.?*[]/.test(pattern);
  if (groups.length === 0 || special) found.push(...[...inventory.hosts.keys()].filter((name) => test(name)));
  return { hosts: applySubscript([...new Set(found)], subscript, raw), groupMatched: groups.length > 0 };
}

/** Hosts selected by Ansible host patterns, in Ansible's order, with the patterns that matched nothing. */
export function selectHostsDetailed(inventory: Inventory, pattern: string | string[]): Selection {
  let hosts: string[] = [];
  const unmatched: string[] = [];
  const patterns = splitPattern(pattern);
  // Ansible would read an empty pattern as `all`; selecting nothing is the safe reading.
  if (patterns.length === 0) return { hosts, unmatched };
  for (const p of orderPatterns(patterns)) {
    const bare = p.startsWith('!') || p.startsWith('&') ? p.slice(1) : p;
    const { hosts: that, groupMatched } = inventory.hosts.has(p)
      ? { hosts: [p], groupMatched: false }
      : matchOne(inventory, bare);
    if (that.length === 0 && !groupMatched) unmatched.push(bare);
    const set = new Set(that);
    if (p.startsWith('!')) hosts = hosts.filter((h) => !set.has(h));
    else if (p.startsWith('&')) hosts = hosts.filter((h) => set.has(h));
    else hosts.push(...that.filter((h) => !hosts.includes(h)));
  }
  return { hosts, unmatched };
}

/** Hosts selected by Ansible host patterns (`all`, `*`, groups, hosts, `a:b`, `a:&b`, `a:!b`, globs, `~regex`). */
export function selectHosts(inventory: Inventory, pattern: string | string[]): string[] {
  return selectHostsDetailed(inventory, pattern).hosts;
}
