import type { ExecResult } from '../transport/types.js';
import { shq } from '../facts/quote.js';
import type { RawArgs } from './args.js';
import { aliased, checkKnown, optBool, optEnum, reqString } from './args.js';
import type { Module, ModuleContext, ModuleResult } from './types.js';

const KNOWN = ['path', 'follow', 'get_checksum', 'checksum_algorithm', 'get_mime', 'get_attributes'] as const;
const ALGORITHMS = ['sha1', 'sha256', 'sha512', 'md5', 'sha224', 'sha384'] as const;

export interface StatArgs {
  path: string;
  follow: boolean;
  checksum: boolean;
  algorithm: (typeof ALGORITHMS)[number];
}

export function parseStatArgs(raw: RawArgs): StatArgs {
  const args = aliased(raw, 'path', ['dest', 'name']);
  checkKnown('stat', args, KNOWN);
  return {
    path: reqString('stat', args, 'path'),
    follow: optBool('stat', args, 'follow') ?? false,
    checksum: optBool('stat', args, 'get_checksum') ?? true,
    algorithm: optEnum('stat', args, 'checksum_algorithm', ALGORITHMS) ?? 'sha1',
  };
}

/** One line of `stat -c` fields, then the checksum and the link target when there are any. */
export function statCommand(args: StatArgs): string {
  const l = args.follow ? '-L ' : '';
  const sum = args.checksum
    ? `if [ -f "$p" ] && [ -r "$p" ]; then ${args.algorithm}sum < "$p" | cut -d' ' -f1; else echo; fi; `
    : 'echo; ';
  return (
    `p=${shq(args.path)}; if [ -e "$p" ] || [ -L "$p" ]; then ` +
    `stat ${l}-c '%F|%a|%u|%g|%U|%G|%s|%Y|%i|%h' -- "$p" || exit 1; ${sum}readlink -- "$p" || echo; ` +
    `else echo absent; fi`
  );
}

/** Ansible's stat dictionary from what statCommand printed. */
export function parseStatResult(result: ExecResult, args: StatArgs): Record<string, unknown> {
  const [head = '', sum = '', link = ''] = result.stdout.split('\n');
  if (head === 'absent') return { exists: false };
  const [type = '', mode = '', uid, gid, owner, group, size, mtime, inode, nlink] = head.split('|');
  const octal = parseInt(mode, 8);
  const out: Record<string, unknown> = {
    exists: true,
    path: args.path,
    mode: octal.toString(8).padStart(4, '0'),
    isdir: type === 'directory',
    isreg: type.startsWith('regular'),
    islnk: type === 'symbolic link',
    uid: Number(uid),
    gid: Number(gid),
    pw_name: owner,
    gr_name: group,
    size: Number(size),
    mtime: Number(mtime),
    inode: Number(inode),
    nlink: Number(nlink),
    readable: true,
    executable: (octal & 0o111) !== 0,
  };
  if (sum !== '') out.checksum = sum;
  if (link !== '') out.lnk_source = link;
  if (out.islnk) out.lnk_target = link;
  return out;
}

async function runStat(raw: RawArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const args = parseStatArgs(raw);
  const result = await ctx.remote.exec(statCommand(args));
  if (result.rc !== 0)
    return { changed: false, failed: true, msg: `stat ${args.path}: ${result.stderr.trim()}` };
  return { changed: false, stat: parseStatResult(result, args) };
}

export const statModule: Module = {
  name: 'stat',
  aliases: ['ansible.builtin.stat'],
  validate: (args) => void parseStatArgs(args),
  run: runStat,
};
