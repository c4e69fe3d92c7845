import { runFact } from '../facts/run.js';
import { statFact } from '../facts/stat.js';
import type { RawArgs } from './args.js';
import { argError, checkKnown, optBool, optEnum, optString, optStringList, reqString } from './args.js';
import { deliverFile } from './deliver-file.js';
import { parseMode } from './mode.js';
import { q } from './shell-quote.js';
import type { Module, ModuleContext, ModuleResult } from './types.js';

const KNOWN = [
  'name',
  'types',
  'uris',
  'suites',
  'components',
  'signed_by',
  'architectures',
  'enabled',
  'trusted',
  'state',
  'mode',
  'install_python_debian',
] as const;

export interface Deb822Args {
  name: string;
  state: 'present' | 'absent';
  fields: [string, string][];
  /** signed_by given as a URL: the key is fetched to this path, which the file names. */
  keyUrl?: string;
  keyPath: string;
  mode?: ReturnType<typeof parseMode>;
}

const list = (raw: RawArgs, field: string) => optStringList('deb822_repository', raw, field);

/** Key material given inline is folded as deb822 wants: continuation lines indented, blank ones as ".". */
function signedByValue(value: string): string {
  if (!value.includes('\n')) return value;
  const lines = value.trim().split('\n');
  return ['', ...lines.map((l) => (l.trim() === '' ? ' .' : ` ${l}`))].join('\n');
}

export function parseDeb822Args(raw: RawArgs): Deb822Args {
  checkKnown('deb822_repository', raw, KNOWN);
  const name = reqString('deb822_repository', raw, 'name');
  const state = optEnum('deb822_repository', raw, 'state', ['present', 'absent'] as const) ?? 'present';
  const keyPath = `/etc/apt/keyrings/${name}.asc`;
  const signedBy = optString('deb822_repository', raw, 'signed_by');
  const keyUrl = signedBy !== undefined && /^https?:\/\//.test(signedBy) ? signedBy : undefined;
  const fields: [string, string][] = [['X-Repolib-Name', name]];
  const add = (key: string, values: string[] | undefined) => {
    if (values !== undefined && values.length > 0) fields.push([key, values.join(' ')]);
  };
  add('Types', list(raw, 'types') ?? ['deb']);
  add('URIs', list(raw, 'uris'));
  add('Suites', list(raw, 'suites'));
  add('Components', list(raw, 'components'));
  add('Architectures', list(raw, 'architectures'));
  const enabled = optBool('deb822_repository', raw, 'enabled');
  if (enabled !== undefined) fields.push(['Enabled', enabled ? 'yes' : 'no']);
  const trusted = optBool('deb822_repository', raw, 'trusted');
  if (trusted !== undefined) fields.push(['Trusted', trusted ? 'yes' : 'no']);
  if (signedBy !== undefined) fields.push(['Signed-By', keyUrl ? keyPath : signedByValue(signedBy)]);
  if (state === 'present' && !fields.some(([k]) => k === 'URIs'))
    throw argError('deb822_repository', 'uris', 'is required');
  return {
    name,
    state,
    fields,
    keyPath,
    mode: parseMode('deb822_repository', 'mode', raw.mode),
    ...(keyUrl ? { keyUrl } : {}),
  };
}

/** Pure: the .sources file, one field a line. */
export function renderSources(args: Deb822Args): string {
  return args.fields.map(([k, v]) => `${k}:${v.startsWith('\n') ? '' : ' '}${v}`).join('\n') + '\n';
}

export function sourcesPath(name: string): string {
  return `/etc/apt/sources.list.d/${name.replace(/[^a-zA-Z0-9_.-]/g, '_')}.sources`;
}

async function fetchKey(args: Deb822Args, ctx: ModuleContext): Promise<ModuleResult | boolean> {
  if (args.keyUrl === undefined) return false;
  if ((await runFact(ctx.remote, statFact(args.keyPath))).exists) return false;
  if (ctx.check) return true;
  const res = await ctx.remote.exec(
    `install -d -m 0755 /etc/apt/keyrings && curl -fsSL -o ${q(args.keyPath)} ${q(args.keyUrl)} && chmod 0644 ${q(args.keyPath)}`,
  );
  if (res.rc !== 0)
    return { changed: false, failed: true, msg: `cannot fetch ${args.keyUrl}: ${res.stderr.trim()}` };
  return true;
}

async function runDeb822(raw: RawArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const args = parseDeb822Args(raw);
  const dest = sourcesPath(args.name);
  if (args.state === 'absent') {
    const there = (await runFact(ctx.remote, statFact(dest))).exists;
    if (there && !ctx.check) await ctx.remote.exec(`rm -f -- ${q(dest)}`);
    return { changed: there, dest };
  }
  const key = await fetchKey(args, ctx);
  if (typeof key !== 'boolean') return key;
  const mode = args.mode ?? { kind: 'octal' as const, bits: 0o644 };
  const file = await deliverFile(
    { dest, content: Buffer.from(renderSources(args)), mode, force: true, backup: false },
    ctx,
  );
  return {
    ...file,
    changed: Boolean(file.changed) || key,
    dest,
    key_filename: args.keyUrl ? args.keyPath : undefined,
  };
}

export const deb822RepositoryModule: Module = {
  name: 'deb822_repository',
  aliases: ['ansible.builtin.deb822_repository'],
  validate: (args) => void parseDeb822Args(args),
  run: runDeb822,
};
