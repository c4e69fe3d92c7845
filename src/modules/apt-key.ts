import type { RawArgs } from './args.js';
import { argError, checkKnown, optBool, optEnum, optString } from './args.js';
import { atomicWrite } from './atomic-write.js';
import type { PgpKeyData } from './openpgp-key.js';
import { keyMatches, normaliseKeyId, readPgpKeys } from './openpgp-key.js';
import { q } from './shell-quote.js';
import type { Module, ModuleContext, ModuleResult } from './types.js';

/**
 * apt_key without apt-key (Debian 13 has none; Ansible's module fails there): each key
 * is a file apt reads by itself, in /etc/apt/trusted.gpg.d/ (named after the key's
 * long id, .asc when armored, .gpg when binary) or at `keyring`. Keys are read and
 * checked against `id` here, not by gpg on the host.
 */
const KNOWN = ['id', 'url', 'data', 'file', 'keyring', 'keyserver', 'state', 'validate_certs'] as const;
export const TRUSTED_DIR = '/etc/apt/trusted.gpg.d';
const SAFE_PATH = /^\/[A-Za-z0-9._+@/-]+$/;

export type KeySource = { kind: 'url' | 'file'; value: string } | { kind: 'data'; value: string };

export interface AptKeyArgs {
  id?: string;
  source?: KeySource;
  keyring?: string;
  state: 'present' | 'absent';
  validateCerts: boolean;
}

export function parseAptKeyArgs(raw: RawArgs): AptKeyArgs {
  checkKnown('apt_key', raw, KNOWN);
  if (raw.keyserver !== undefined)
    throw argError('apt_key', 'keyserver', "is not supported; give the key's url, data or file");
  const state = optEnum('apt_key', raw, 'state', ['present', 'absent'] as const) ?? 'present';
  const rawId = optString('apt_key', raw, 'id');
  const id = rawId === undefined ? undefined : normaliseKeyId(rawId);
  if (rawId !== undefined && id === undefined)
    throw argError('apt_key', 'id', 'must be a key id or fingerprint of 8, 16, 40 or 64 hex digits');
  const sources = (['url', 'data', 'file'] as const).filter((k) => raw[k] !== undefined);
  if (sources.length > 1)
    throw argError('apt_key', sources[1] as string, `is mutually exclusive with ${sources[0]}`);
  const kind = sources[0];
  const keyring = optString('apt_key', raw, 'keyring');
  if (keyring !== undefined && !SAFE_PATH.test(keyring))
    throw argError('apt_key', 'keyring', 'must be an absolute path of letters, digits and ._+@/-');
  const file = optString('apt_key', raw, 'file');
  if (file !== undefined && !SAFE_PATH.test(file))
    throw argError('apt_key', 'file', 'must be an absolute path of letters, digits and ._+@/-');
  if (state === 'absent' && id === undefined)
    throw argError('apt_key', 'id', 'is required with state absent');
  if (state === 'present' && kind === undefined)
    throw argError('apt_key', 'url', 'one of url, data or file is required with state present');
  const value = kind === undefined ? undefined : (optString('apt_key', raw, kind) as string);
  return {
    ...(id === undefined ? {} : { id }),
    ...(kind === undefined || value === undefined ? {} : { source: { kind, value } }),
    ...(keyring === undefined ? {} : { keyring }),
    state,
    validateCerts: optBool('apt_key', raw, 'validate_certs') ?? true,
  };
}

export interface KeyFile {
  path: string;
  content: Buffer;
  keys?: PgpKeyData;
}

/** Lists the key files in scope with their contents: one line each, path TAB base64. */
export function listKeysCommand(args: AptKeyArgs): string {
  const paths = args.keyring ? q(args.keyring) : `${TRUSTED_DIR}/*.asc ${TRUSTED_DIR}/*.gpg`;
  return `for f in ${paths}; do [ -f "$f" ] || continue; printf '%s\\t' "$f"; base64 -w0 "$f"; echo; done`;
}

/** The listing, read as data: a line that is not a safe path and clean base64 is dropped. */
export function parseKeyFiles(stdout: string): KeyFile[] {
  const out: KeyFile[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^(\/[A-Za-z0-9._+@/-]+)\t([A-Za-z0-9+/]*={0,2})$/.exec(line);
    if (!m) continue;
    const content = Buffer.from(m[2] as string, 'base64');
    const keys = readPgpKeys(content);
    out.push({ path: m[1] as string, content, ...(keys ? { keys } : {}) });
  }
  return out;
}

export function holdsId(file: KeyFile, id: string): boolean {
  return file.keys?.keys.some((k) => keyMatches(k, id)) ?? false;
}

/** Where a key goes: `keyring`, or its own file named after its long id. */
export function keyPath(args: AptKeyArgs, key: PgpKeyData): string {
  if (args.keyring) return args.keyring;
  const fpr = (key.keys[0] as { fingerprint: string }).fingerprint;
  return `${TRUSTED_DIR}/${fpr.slice(-16)}.${key.armored ? 'asc' : 'gpg'}`;
}

/** Pure: what `absent` removes; a file holding other keys too is refused rather than cut. */
export function planRemoval(files: KeyFile[], id: string): { remove: string[]; refuse?: string } {
  const holding = files.filter((f) => holdsId(f, id));
  const mixed = holding.find((f) => f.keys?.keys.some((k) => !keyMatches(k, id)));
  if (mixed)
    return { remove: [], refuse: `${mixed.path} holds other keys besides ${id}; remove that file instead` };
  return { remove: holding.map((f) => f.path) };
}

/** The key's bytes: `data` as given, `url` fetched by curl on the host, `file` read there. */
async function fetchKey(args: AptKeyArgs, ctx: ModuleContext): Promise<Buffer | string> {
  const source = args.source as KeySource;
  if (source.kind === 'data') return Buffer.from(source.value);
  const insecure = args.validateCerts ? '' : '-k ';
  const read =
    source.kind === 'url'
      ? `t=$(mktemp) && curl -fsSL ${insecure}--max-time 30 -o "$t" ${q(source.value)} && base64 -w0 "$t"; rc=$?; rm -f "$t"; exit $rc`
      : `base64 -w0 ${q(source.value)}`;
  const res = await ctx.remote.exec(read);
  const b64 = res.stdout.trim();
  if (res.rc !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(b64))
    return `cannot read the key from ${source.value}: ${res.stderr.trim() || `exit ${res.rc}`}`;
  return Buffer.from(b64, 'base64');
}

async function present(args: AptKeyArgs, files: KeyFile[], ctx: ModuleContext): Promise<ModuleResult> {
  // As Ansible: with an id already trusted, nothing is downloaded.
  if (args.id !== undefined && files.some((f) => holdsId(f, args.id as string))) return { changed: false };
  const bytes = await fetchKey(args, ctx);
  if (typeof bytes === 'string') return { changed: false, failed: true, msg: bytes };
  const key = readPgpKeys(bytes);
  const from = (args.source as KeySource).kind === 'data' ? 'data' : (args.source as KeySource).value;
  if (!key) return { changed: false, failed: true, msg: `${from} holds no OpenPGP public key` };
  const fprs = key.keys.map((k) => k.fingerprint);
  if (args.id !== undefined && !key.keys.some((k) => keyMatches(k, args.id as string)))
    return {
      changed: false,
      failed: true,
      msg: `the key ${fprs.join(', ')} from ${from} is not id ${args.id}`,
    };
  const dest = keyPath(args, key);
  const same = files.find((f) => f.path === dest)?.content.equals(bytes) ?? false;
  const result = { changed: !same, dest, fingerprints: fprs };
  if (same || ctx.check) return result;
  const write = await atomicWrite(ctx.remote, { dest, content: bytes, mode: 0o644 });
  return write.ok ? result : { ...result, changed: false, failed: true, msg: write.msg };
}

async function runAptKey(raw: RawArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const args = parseAptKeyArgs(raw);
  const listing = await ctx.remote.exec(listKeysCommand(args));
  if (listing.rc !== 0) return { changed: false, failed: true, msg: listing.stderr.trim(), rc: listing.rc };
  const files = parseKeyFiles(listing.stdout);
  if (args.state === 'present') return present(args, files, ctx);
  const plan = planRemoval(files, args.id as string);
  if (plan.refuse) return { changed: false, failed: true, msg: plan.refuse };
  const result = { changed: plan.remove.length > 0, removed: plan.remove };
  if (!result.changed || ctx.check) return result;
  const rm = await ctx.remote.exec(`rm -f ${plan.remove.map(q).join(' ')}`);
  return rm.rc === 0 ? result : { ...result, changed: false, failed: true, msg: rm.stderr.trim(), rc: rm.rc };
}

export const aptKeyModule: Module = {
  name: 'apt_key',
  aliases: ['ansible.builtin.apt_key'],
  validate: (args) => void parseAptKeyArgs(args),
  run: runAptKey,
};
