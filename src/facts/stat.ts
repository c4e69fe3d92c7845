import { IngressError } from '../errors.js';
import type { ExecResult } from '../transport/types.js';
import { shq } from './quote.js';
import type { Fact } from './types.js';

export type PathType = 'file' | 'directory' | 'link' | 'other';

/** What a path is on the host; `exists: false` has no other fields. */
export interface PathStat {
  exists: boolean;
  type?: PathType;
  mode?: number;
  owner?: string;
  group?: string;
  size?: number;
  /** sha256 of a regular file's content, when asked for. */
  checksum?: string;
  /** Where a symbolic link points (not followed). */
  linkTarget?: string;
}

export interface StatOptions {
  /** Describe what a symbolic link points to rather than the link itself. */
  follow?: boolean;
  checksum?: boolean;
}

function typeOf(statType: string): PathType {
  if (statType.startsWith('regular')) return 'file';
  if (statType === 'directory') return 'directory';
  if (statType === 'symbolic link') return 'link';
  return 'other';
}

/** Parses "stat TYPE|MODE|OWNER|GROUP|SIZE", "sha256 HEX" and "link TARGET" lines. */
export function parseStat(result: ExecResult): PathStat {
  const lines = result.stdout.split('\n');
  if (lines[0] === 'absent') return { exists: false };
  const statLine = lines.find((l) => l.startsWith('stat '));
  const fields = statLine?.slice(5).split('|');
  if (result.rc !== 0 || fields?.length !== 5) {
    throw new IngressError('E_MODULE', `stat failed: ${result.stderr.trim() || result.stdout.trim()}`);
  }
  const [type = '', mode = '', owner = '', group = '', size = ''] = fields;
  const stat: PathStat = {
    exists: true,
    type: typeOf(type),
    mode: parseInt(mode, 8),
    owner,
    group,
    size: Number(size),
  };
  const sum = lines.find((l) => l.startsWith('sha256 '));
  if (sum) stat.checksum = sum.slice(7).trim();
  const link = lines.find((l) => l.startsWith('link '));
  if (link) stat.linkTarget = link.slice(5);
  return stat;
}

/** One exec: type, mode, owner, group, size, and on request the sha256 of a file. */
export function statFact(path: string, options: StatOptions = {}): Fact<PathStat> {
  const follow = options.follow ?? true;
  const exists = follow ? '[ -e "$p" ]' : '{ [ -e "$p" ] || [ -L "$p" ]; }';
  const sum = options.checksum
    ? `if [ -f "$p" ]; then printf 'sha256 %s\\n' "$(sha256sum < "$p" | cut -d' ' -f1)"; fi; `
    : '';
  const link = follow ? '' : `if [ -L "$p" ]; then printf 'link %s\\n' "$(readlink -- "$p")"; fi; `;
  return {
    name: 'stat',
    command: () =>
      `p=${shq(path)}; if ${exists}; then ` +
      `stat ${follow ? '-L ' : ''}-c 'stat %F|%a|%U|%G|%s' -- "$p" || exit 1; ${sum}${link}` +
      `else echo absent; fi`,
    parse: parseStat,
  };
}

/** A file's text, for diffs; a missing file reads as empty. */
export function contentFact(path: string): Fact<{ exists: boolean; content: string }> {
  return {
    name: 'content',
    command: () => `p=${shq(path)}; if [ -f "$p" ]; then echo present; cat -- "$p"; else echo absent; fi`,
    parse: (result) => {
      const nl = result.stdout.indexOf('\n');
      const head = nl < 0 ? result.stdout : result.stdout.slice(0, nl);
      if (result.rc !== 0) throw new IngressError('E_MODULE', `cannot read ${path}: ${result.stderr.trim()}`);
      return head === 'present'
        ? { exists: true, content: result.stdout.slice(nl + 1) }
        : { exists: false, content: '' };
    },
  };
}
