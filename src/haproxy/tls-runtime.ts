import { quote } from 'shlex';
import { IngressError } from '../errors.js';
import type { Transport } from '../transport/types.js';
import * as cmd from './commands.js';

/** The runtime API socket of both HAProxy templates (playbooks/templates/haproxy-*.cfg.j2). */
export const DEFAULT_ADMIN_SOCKET = '/run/haproxy/admin.sock';

/**
 * Hot-swapping TLS files of a running HAProxy from the controller, over SSH.
 *
 * The runtime client in runtime.ts needs the payload on the controller, but a node's
 * private key never leaves the node; so the `set ssl …` payload is read from the file
 * on the node itself and piped into the admin socket there. Node.js is the socket
 * client because every managed node runs the health daemon (no socat, no Python).
 * TODO: use runtime.ts for the public files (CA, CRL) once its connector accepts a
 * stream that is not a net.Socket, so one code path checks every answer.
 */
export type SslFileKind = 'cert' | 'ca-file' | 'crl-file';

export interface HotSwapResult {
  kind: SslFileKind;
  file: string;
  ok: boolean;
  /** HAProxy's answer to the last command run (commit, or the refused set). */
  answer: string;
}

/** Writes stdin to the socket without half-closing it; HAProxy closes after answering. */
const BRIDGE_JS =
  'const s=require("net").connect(process.argv[1]),c=[];' +
  'process.stdin.on("data",d=>c.push(d)).on("end",()=>s.write(Buffer.concat(c)));' +
  's.pipe(process.stdout);s.on("error",e=>{console.error(e.message);process.exit(2)})';

function commitCommand(kind: SslFileKind, file: string): string {
  if (kind === 'cert') return cmd.commitSslCert(file);
  return kind === 'ca-file' ? cmd.commitSslCaFile(file) : cmd.commitSslCrlFile(file);
}

function abortCommand(kind: SslFileKind, file: string): string {
  if (kind === 'cert') return cmd.abortSslCert(file);
  return kind === 'ca-file' ? cmd.abortSslCaFile(file) : cmd.abortSslCrlFile(file);
}

/**
 * The shell script that stages the file's current content (blank lines dropped: one
 * would end the payload early), commits it, and aborts the transaction if the commit
 * is refused. Exit 0 only on "Success!".
 */
export function hotSwapScript(kind: SslFileKind, file: string, socket = DEFAULT_ADMIN_SOCKET): string {
  const commit = commitCommand(kind, file);
  return [
    `rt() { node -e ${quote(BRIDGE_JS)} ${quote(socket)}; }`,
    `out=$( { printf '%s <<\\n' ${quote(`set ssl ${kind} ${file}`)}; grep -v '^[[:space:]]*$' ${quote(file)};` +
      ` printf '\\n'; } | rt ) || { printf '%s\\n' "$out"; exit 2; }`,
    `case "$out" in *'ransaction created'*) ;; *) printf '%s\\n' "$out"; exit 3;; esac`,
    `out=$(printf '%s\\n' ${quote(commit)} | rt)`,
    `case "$out" in *'Success!'*) printf '%s\\n' "$out"; exit 0;; esac`,
    `printf '%s\\n' ${quote(abortCommand(kind, file))} | rt >/dev/null`,
    `printf '%s\\n' "$out"`,
    'exit 4',
  ].join('\n');
}

/** Loads a file that is already on the node into the running HAProxy. */
export async function hotSwapFromNodeFile(
  transport: Transport,
  kind: SslFileKind,
  file: string,
  socket = DEFAULT_ADMIN_SOCKET,
): Promise<HotSwapResult> {
  const result = await transport.exec(hotSwapScript(kind, file, socket), { timeoutMs: 15_000 });
  const answer = `${result.stdout}${result.stderr}`.trim();
  return { kind, file, ok: result.rc === 0, answer };
}

/**
 * The fallback: a seamless reload of the master-worker HAProxy, which re-reads every
 * file from disk; `expose-fd listeners` lets the new worker take the sockets over.
 */
export async function reloadHaproxy(transport: Transport, unit = 'haproxy'): Promise<void> {
  const result = await transport.exec(`systemctl reload ${quote(unit)}`, { timeoutMs: 30_000 });
  if (result.rc !== 0) {
    throw new IngressError(
      'E_HAPROXY',
      `reloading ${unit} on ${transport.hostName} failed: ${result.stderr.trim() || `rc=${result.rc}`}`,
    );
  }
}
