import { posix } from 'node:path';
import type { ExecResult } from '../transport/types.js';
import { formatMode } from './mode.js';
import { q } from './shell-quote.js';
import type { Remote } from './types.js';

export interface AtomicWriteSpec {
  dest: string;
  content: string | Buffer;
  /** Final mode; unset keeps the old file's mode, or 0644 for a new file. */
  mode?: number;
  owner?: string;
  group?: string;
  /** A command with %s, run on the temporary file before it replaces dest. */
  validate?: string;
  /** Where to keep a copy of the old file first (see backupPath). */
  backupFile?: string;
}

export interface AtomicWriteResult {
  ok: boolean;
  /** Why it failed, for the task's msg. */
  msg?: string;
  exec: ExecResult;
  /** The validator's own exit status, when validate is what failed. */
  validateRc?: number;
}

/** Exit codes of the write script, so one exec tells which step failed. */
const STEP_FAILURES: Record<number, string> = {
  90: 'cannot create a temporary file beside dest',
  91: 'cannot write the temporary file',
  92: 'cannot set mode or ownership',
  93: 'failed to validate',
  94: 'cannot back up dest',
  95: 'cannot move the temporary file onto dest',
};

/** Exit status of a failed validate command, reported on stderr's last line. */
const VALIDATE_RC_MARK = 'ingress-validate-rc=';
const VALIDATE_RC_LINE = new RegExp(`\\n?${VALIDATE_RC_MARK}(\\d+)\\n?$`);
/** How much of the validator's output goes into the task's msg. */
const MAX_DETAIL_CHARS = 2_000;

/** Ansible's backup name: dest.YYYY-MM-DD@HH:MM:SS~ (UTC here, from the injected clock). */
export function backupPath(dest: string, nowMs: number): string {
  const iso = new Date(nowMs).toISOString();
  return `${dest}.${iso.slice(0, 10)}@${iso.slice(11, 19)}~`;
}

function attributeLines(spec: AtomicWriteSpec, dest: string): string[] {
  const lines = [
    `if [ -e ${dest} ]; then chmod --reference=${dest} "$t" && chown --reference=${dest} "$t" || fail 92; ` +
      `else chmod 0644 "$t" || fail 92; fi`,
  ];
  if (spec.mode !== undefined) lines.push(`chmod ${formatMode(spec.mode)} "$t" || fail 92`);
  if (spec.owner !== undefined || spec.group !== undefined) {
    const who = `${spec.owner ?? ''}${spec.group !== undefined ? `:${spec.group}` : ''}`;
    lines.push(`chown ${q(who)} "$t" || fail 92`);
  }
  return lines;
}

/** The script: temp file in dest's folder, attributes, validate, backup, rename. */
export function atomicWriteScript(spec: AtomicWriteSpec): string {
  const dest = q(spec.dest);
  const template = q(posix.join(posix.dirname(spec.dest), `.${posix.basename(spec.dest)}.ingress-XXXXXX`));
  const lines = [
    `t=$(mktemp ${template}) || exit 90`,
    'fail() { rm -f -- "$t"; exit "$1"; }',
    'cat > "$t" || fail 91',
    ...attributeLines(spec, dest),
  ];
  // A subshell, so an `exit` inside the validate command cannot end the script;
  // its status goes to stderr's last line, as the script's own exit code is the step's.
  if (spec.validate !== undefined) {
    lines.push(
      `( ${spec.validate.replaceAll('%s', `"$t"`)} ) || { r=$?; printf '\\n${VALIDATE_RC_MARK}%d\\n' "$r" >&2; fail 93; }`,
    );
  }
  if (spec.backupFile !== undefined) {
    lines.push(`if [ -e ${dest} ]; then cp -p -- ${dest} ${q(spec.backupFile)} || fail 94; fi`);
  }
  lines.push(`mv -f -- "$t" ${dest} || fail 95`);
  return lines.join('\n');
}

function clip(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > MAX_DETAIL_CHARS ? `${trimmed.slice(0, MAX_DETAIL_CHARS)}...` : trimmed;
}

/** As Ansible's "failed to validate", with the command, its exit status and what it printed. */
function validateFailure(command: string, exec: ExecResult): AtomicWriteResult {
  const match = VALIDATE_RC_LINE.exec(exec.stderr);
  const validateRc = match ? Number(match[1]) : undefined;
  const stderr = match ? exec.stderr.slice(0, match.index) : exec.stderr;
  const output = [clip(stderr), clip(exec.stdout)].filter((part) => part !== '').join('\n');
  const status = validateRc === undefined ? 'failed' : `exited with status ${validateRc}`;
  const msg = `failed to validate: command '${command}' ${status}${output ? `: ${output}` : ' (no output)'}`;
  return { ok: false, msg, exec: { ...exec, stderr }, ...(validateRc !== undefined ? { validateRc } : {}) };
}

/** Writes through a temp file and rename(2), so readers never see half a file. */
export async function atomicWrite(remote: Remote, spec: AtomicWriteSpec): Promise<AtomicWriteResult> {
  const exec = await remote.exec(atomicWriteScript(spec), { stdin: spec.content });
  if (exec.rc === 0) return { ok: true, exec };
  if (exec.rc === 93 && spec.validate !== undefined) return validateFailure(spec.validate, exec);
  const step = STEP_FAILURES[exec.rc] ?? `write failed (rc ${exec.rc})`;
  const detail = clip(exec.stderr || exec.stdout);
  return { ok: false, msg: detail ? `${step}: ${detail}` : step, exec };
}
