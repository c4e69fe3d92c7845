import { readFile } from 'node:fs/promises';
import type { RawArgs } from './args.js';
import { argError, checkKnown, optBool, optString, reqString } from './args.js';
import { findSource, missingSourceMessage } from './src-lookup.js';
import { q } from './shell-quote.js';
import type { Module, ModuleContext, ModuleResult } from './types.js';

const KNOWN = [
  'src',
  'dest',
  'remote_src',
  'creates',
  'owner',
  'group',
  'mode',
  'extra_opts',
  'list_files',
  'copy',
] as const;

export interface UnarchiveArgs {
  src: string;
  dest: string;
  remoteSrc: boolean;
  creates?: string;
  owner?: string;
  group?: string;
}

export function parseUnarchiveArgs(raw: RawArgs): UnarchiveArgs {
  checkKnown('unarchive', raw, KNOWN);
  const copy = optBool('unarchive', raw, 'copy');
  const src = reqString('unarchive', raw, 'src');
  if (/^https?:\/\//.test(src) && optBool('unarchive', raw, 'remote_src') !== true) {
    throw argError('unarchive', 'src', 'a URL needs remote_src: true (fetch it with get_url first)');
  }
  return {
    src,
    dest: reqString('unarchive', raw, 'dest'),
    remoteSrc: optBool('unarchive', raw, 'remote_src') ?? (copy === undefined ? false : !copy),
    creates: optString('unarchive', raw, 'creates'),
    owner: optString('unarchive', raw, 'owner'),
    group: optString('unarchive', raw, 'group'),
  };
}

/** tar reads gzip, bzip2 and xz by itself; zip goes through unzip. */
function isZip(path: string): boolean {
  return /\.zip$/i.test(path);
}

/** Prints "missing" when a member of the archive is not in dest yet: Ansible's test of whether to extract. */
export function missingCommand(archive: string, dest: string): string {
  const list = isZip(archive) ? `unzip -Z1 ${q(archive)}` : `tar -tf ${q(archive)}`;
  return `cd ${q(dest)} || exit 3; ${list} | while IFS= read -r m; do [ -e "$m" ] || { echo missing; break; }; done`;
}

export function extractCommand(args: UnarchiveArgs, archive: string): string {
  const extract = isZip(archive)
    ? `unzip -o -q ${q(archive)} -d ${q(args.dest)}`
    : `tar -xf ${q(archive)} -C ${q(args.dest)}`;
  const owner = args.owner ? ` && chown -R ${q(args.owner)} ${q(args.dest)}` : '';
  const group = args.group ? ` && chgrp -R ${q(args.group)} ${q(args.dest)}` : '';
  return `${extract}${owner}${group}`;
}

/** A controller archive goes to a temporary file on the host first. */
async function stage(args: UnarchiveArgs, ctx: ModuleContext): Promise<string | ModuleResult> {
  if (args.remoteSrc) return args.src;
  const local = findSource(args.src, ctx, 'files');
  if (local === undefined)
    return { changed: false, failed: true, msg: missingSourceMessage(args.src, ctx, 'files') };
  const suffix = (/\.(tar\.gz|tgz|tar\.bz2|tar\.xz|tar|zip)$/i.exec(local)?.[0] ?? '').toLowerCase();
  const remotePath = `/tmp/.ingress-unarchive-${ctx.now()}${suffix}`;
  await ctx.remote.put(remotePath, await readFile(local), { mode: 0o600 });
  return remotePath;
}

async function runUnarchive(raw: RawArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const args = parseUnarchiveArgs(raw);
  if (args.creates && (await ctx.remote.exec(`[ -e ${q(args.creates)} ]`)).rc === 0) {
    return { changed: false, msg: `${args.creates} exists` };
  }
  const archive = await stage(args, ctx);
  if (typeof archive !== 'string') return archive;
  try {
    const probe = await ctx.remote.exec(missingCommand(archive, args.dest));
    if (probe.rc === 3) return { changed: false, failed: true, msg: `dest ${args.dest} is not a folder` };
    const changed = probe.stdout.includes('missing');
    if (!changed || ctx.check) return { changed, dest: args.dest };
    const res = await ctx.remote.exec(extractCommand(args, archive));
    if (res.rc !== 0) return { changed: false, failed: true, msg: res.stderr.trim(), rc: res.rc };
    return { changed: true, dest: args.dest };
  } finally {
    if (!args.remoteSrc) await ctx.remote.exec(`rm -f ${q(archive)}`);
  }
}

export const unarchiveModule: Module = {
  name: 'unarchive',
  aliases: ['ansible.builtin.unarchive'],
  validate: (args) => void parseUnarchiveArgs(args),
  run: runUnarchive,
};
