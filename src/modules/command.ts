import type { RawArgs } from './args.js';
import { argError, checkKnown, optBool, optString, optStringList } from './args.js';
import { joinArgv, q, splitCommand } from './shell-quote.js';
import type { Module, ModuleContext, ModuleResult } from './types.js';

type Kind = 'command' | 'shell';

export interface CommandArgs {
  kind: Kind;
  /** command: the argv; shell: one element, the script. */
  argv: string[];
  creates?: string;
  removes?: string;
  chdir?: string;
  stdin?: string;
  stdinAddNewline: boolean;
  executable?: string;
}

const KNOWN = ['_raw_params', 'cmd', 'argv', 'creates', 'removes', 'chdir', 'stdin', 'stdin_add_newline'];

export function parseCommandArgs(kind: Kind, args: RawArgs): CommandArgs {
  checkKnown(kind, args, kind === 'shell' ? [...KNOWN, 'executable'] : KNOWN);
  const text = optString(kind, args, '_raw_params') ?? optString(kind, args, 'cmd');
  const list = kind === 'command' ? optStringList(kind, args, 'argv') : undefined;
  if (text !== undefined && list !== undefined)
    throw argError(kind, 'argv', 'is mutually exclusive with cmd');
  if ((text ?? '').trim() === '' && (list ?? []).length === 0)
    throw argError(kind, 'cmd', 'no command given');
  let argv = list ?? [text ?? ''];
  if (kind === 'command' && list === undefined) {
    try {
      argv = splitCommand(text ?? '');
    } catch (err) {
      throw argError(kind, 'cmd', `cannot split the command line: ${String(err)}`);
    }
  }
  return {
    kind,
    argv,
    creates: optString(kind, args, 'creates'),
    removes: optString(kind, args, 'removes'),
    chdir: optString(kind, args, 'chdir'),
    stdin: optString(kind, args, 'stdin'),
    stdinAddNewline: optBool(kind, args, 'stdin_add_newline') ?? true,
    executable: kind === 'shell' ? optString(kind, args, 'executable') : undefined,
  };
}

/** The line sent to the host: argv quoted word by word (command) or the script itself (shell). */
export function commandLine(args: CommandArgs): string {
  const body =
    args.kind === 'command'
      ? joinArgv(args.argv)
      : args.executable !== undefined
        ? `${q(args.executable)} -c ${q(args.argv[0] ?? '')}`
        : (args.argv[0] ?? '');
  // `exec` keeps the command's own exit status and avoids one more shell process.
  const run = args.kind === 'command' || args.executable !== undefined ? `exec ${body}` : body;
  return args.chdir !== undefined ? `cd ${q(args.chdir)} || exit 1\n${run}` : run;
}

/** Ansible's skip rules: creates exists, or removes is missing, means do not run. */
export function skipReason(
  args: CommandArgs,
  createsExists?: boolean,
  removesExists?: boolean,
): string | undefined {
  if (args.creates !== undefined && createsExists)
    return `Did not run command since '${args.creates}' exists`;
  if (args.removes !== undefined && removesExists === false) {
    return `Did not run command since '${args.removes}' does not exist`;
  }
  return undefined;
}

async function exists(
  ctx: ModuleContext,
  path: string | undefined,
  chdir?: string,
): Promise<boolean | undefined> {
  if (path === undefined) return undefined;
  const cd = chdir !== undefined && !path.startsWith('/') ? `cd ${q(chdir)} && ` : '';
  return (await ctx.remote.exec(`${cd}test -e ${q(path)}`)).rc === 0;
}

/** Ansible's delta format, H:MM:SS.ffffff. */
export function formatDelta(ms: number): string {
  const s = Math.floor(ms / 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${Math.floor(s / 3600)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}.${pad((ms % 1000) * 1000, 6)}`;
}

function lines(text: string): string[] {
  return text === '' ? [] : text.split('\n');
}

async function runCommand(kind: Kind, raw: RawArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const args = parseCommandArgs(kind, raw);
  const cmd = kind === 'command' ? args.argv : args.argv[0];
  const skip = skipReason(
    args,
    await exists(ctx, args.creates, args.chdir),
    await exists(ctx, args.removes, args.chdir),
  );
  if (skip !== undefined)
    return { changed: false, msg: skip, cmd, rc: 0, stdout: `skipped, ${skip}`, stdout_lines: [] };
  if (ctx.check) {
    // As Ansible: with creates/removes the check decided it would run (changed); without, it cannot know.
    const decided = args.creates !== undefined || args.removes !== undefined;
    return {
      changed: decided,
      skipped: !decided,
      msg: 'Command would have run if not in check mode',
      cmd,
      rc: 0,
    };
  }
  const stdin = args.stdin === undefined ? undefined : args.stdin + (args.stdinAddNewline ? '\n' : '');
  const startMs = ctx.now();
  const res = await ctx.remote.exec(commandLine(args), stdin === undefined ? undefined : { stdin });
  const endMs = ctx.now();
  const stdout = res.stdout.replace(/\r?\n$/, '');
  const stderr = res.stderr.replace(/\r?\n$/, '');
  return {
    changed: true,
    ...(res.rc !== 0 ? { failed: true, msg: 'non-zero return code' } : {}),
    cmd,
    rc: res.rc,
    stdout,
    stderr,
    stdout_lines: lines(stdout),
    stderr_lines: lines(stderr),
    start: new Date(startMs).toISOString(),
    end: new Date(endMs).toISOString(),
    delta: formatDelta(endMs - startMs),
  };
}

export const commandModule: Module = {
  name: 'command',
  aliases: ['ansible.builtin.command'],
  validate: (args) => void parseCommandArgs('command', args),
  run: (args, ctx) => runCommand('command', args, ctx),
};

export const shellModule: Module = {
  name: 'shell',
  aliases: ['ansible.builtin.shell'],
  validate: (args) => void parseCommandArgs('shell', args),
  run: (args, ctx) => runCommand('shell', args, ctx),
};
