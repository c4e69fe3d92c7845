import { runFact } from '../facts/run.js';
import type { PathStat } from '../facts/stat.js';
import { statFact } from '../facts/stat.js';
import type { RawArgs } from './args.js';
import { argError, checkKnown, optBool, optNumber, optString, reqString } from './args.js';
import type { FileChange } from './file-plan.js';
import { attributeCommands, planAttributes } from './file-plan.js';
import type { ModeSpec } from './mode.js';
import { parseMode } from './mode.js';
import { q } from './shell-quote.js';
import type { Module, ModuleContext, ModuleResult } from './types.js';

const KNOWN = [
  'url',
  'dest',
  'checksum',
  'mode',
  'owner',
  'group',
  'force',
  'timeout',
  'validate_certs',
  'headers',
  'tmp_dest',
] as const;

export interface GetUrlArgs {
  url: string;
  dest: string;
  /** sha256 hex; other algorithms are refused rather than half-checked. */
  sha256?: string;
  mode?: ModeSpec;
  owner?: string;
  group?: string;
  force: boolean;
  timeoutS: number;
  validateCerts: boolean;
}

export function parseGetUrlArgs(raw: RawArgs): GetUrlArgs {
  checkKnown('get_url', raw, KNOWN);
  const checksum = optString('get_url', raw, 'checksum');
  let sha256: string | undefined;
  if (checksum !== undefined && checksum !== '') {
    const m = /^sha256:([0-9a-fA-F]{64})$/.exec(checksum.trim());
    if (!m)
      throw argError(
        'get_url',
        'checksum',
        'must be sha256:<64 hex digits> (other algorithms are not supported)',
      );
    sha256 = (m[1] as string).toLowerCase();
  }
  return {
    url: reqString('get_url', raw, 'url'),
    dest: reqString('get_url', raw, 'dest'),
    sha256,
    mode: parseMode('get_url', 'mode', raw.mode),
    owner: optString('get_url', raw, 'owner'),
    group: optString('get_url', raw, 'group'),
    force: optBool('get_url', raw, 'force') ?? false,
    timeoutS: optNumber('get_url', raw, 'timeout') ?? 10,
    validateCerts: optBool('get_url', raw, 'validate_certs') ?? true,
  };
}

export type GetUrlChange = { kind: 'download' } | FileChange;

/** Pure: download unless dest is there and (with a checksum) matches it; then fix attributes. */
export function planGetUrl(args: GetUrlArgs, dest: PathStat): GetUrlChange[] {
  const fresh = dest.exists && !args.force && (args.sha256 === undefined || dest.checksum === args.sha256);
  if (!fresh) return [{ kind: 'download' }];
  return planAttributes(args, dest, false);
}

/** curl into a temporary file beside dest, check the sum there, then rename into place. */
export function downloadCommand(args: GetUrlArgs): string {
  const tmp = `${args.dest}.ingress-download`;
  const insecure = args.validateCerts ? '' : '-k ';
  const check = args.sha256 ? ` && echo ${q(`${args.sha256}  ${tmp}`)} | sha256sum -c --quiet -` : '';
  const mode = args.mode !== undefined ? '' : ` && chmod 644 ${q(tmp)}`;
  return `curl -fsSL ${insecure}--max-time ${args.timeoutS} -o ${q(tmp)} ${q(args.url)}${check}${mode} && mv -f ${q(tmp)} ${q(args.dest)} || { rc=$?; rm -f ${q(tmp)}; exit $rc; }`;
}

async function runGetUrl(raw: RawArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const args = parseGetUrlArgs(raw);
  const stat = await runFact(ctx.remote, statFact(args.dest, { checksum: true }));
  if (stat.exists && stat.type !== 'file')
    return { changed: false, failed: true, msg: `dest ${args.dest} is a ${stat.type}` };
  const changes = planGetUrl(args, stat);
  const base: ModuleResult = { changed: changes.length > 0, dest: args.dest, url: args.url };
  if (!base.changed || ctx.check) return base;
  if (changes.some((c) => c.kind === 'download')) {
    const res = await ctx.remote.exec(downloadCommand(args));
    if (res.rc !== 0)
      return {
        ...base,
        changed: false,
        failed: true,
        msg: `download of ${args.url} failed: ${res.stderr.trim()}`,
        rc: res.rc,
      };
    const after = await runFact(ctx.remote, statFact(args.dest, { checksum: true }));
    changes.push(...planAttributes(args, after, false));
  }
  const fix = attributeCommands(
    args.dest,
    changes.filter((c): c is FileChange => c.kind !== 'download'),
    q,
  );
  if (fix.length > 0) {
    const res = await ctx.remote.exec(fix.join(' && '));
    if (res.rc !== 0) return { ...base, changed: false, failed: true, msg: res.stderr.trim(), rc: res.rc };
  }
  return base;
}

export const getUrlModule: Module = {
  name: 'get_url',
  aliases: ['ansible.builtin.get_url'],
  validate: (args) => void parseGetUrlArgs(args),
  run: runGetUrl,
};
