import { createConnection } from 'node:net';
import type { Duplex } from 'node:stream';
import { IngressError } from '../errors.js';
import * as cmd from './commands.js';
import type { ServerAdminState } from './commands.js';
import { parseServersState, parseStat, runtimeError } from './parse.js';
import type { ServerStateRow, StatRow } from './parse.js';

/**
 * Opens one connection to the runtime API: a unix or TCP socket, or any duplex stream (e.g. an SSH
 * channel to a bridge on the node). Writes before the connection is up are buffered by Node.
 */
export type RuntimeConnector = () => Duplex;

export function unixSocketConnector(path: string): RuntimeConnector {
  return () => createConnection({ path });
}

export function tcpConnector(host: string, port: number): RuntimeConnector {
  return () => createConnection({ host, port });
}

export interface HaproxyRuntimeOptions {
  connector: RuntimeConnector;
  timeoutMs?: number;
}

export interface HaproxyRuntime {
  /** Sends one command (non-interactive mode: HAProxy answers, then closes) and returns the answer. */
  run(command: string): Promise<string>;
  showServersState(backend?: string): Promise<ServerStateRow[]>;
  showStat(): Promise<StatRow[]>;
  /** `show servers state` and the servers' check counters from `show stat`, over one connection. */
  showServersAndChecks(): Promise<{ servers: ServerStateRow[]; checks: StatRow[] }>;
  setServerState(backend: string, server: string, state: ServerAdminState): Promise<void>;
  setServerWeight(backend: string, server: string, weight: number): Promise<void>;
  /** Hot-swaps a loaded certificate: set, then commit; aborts the transaction if the commit fails. */
  replaceCert(certFile: string, pem: string): Promise<void>;
  replaceCaFile(caFile: string, pem: string): Promise<void>;
  replaceCrlFile(crlFile: string, pem: string): Promise<void>;
}

function send(connector: RuntimeConnector, command: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const stream = connector();
    const chunks: Buffer[] = [];
    let done = false;
    const settle = (finish: () => void): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      stream.destroy();
      finish();
    };
    const fail = (cause: unknown): void =>
      settle(() => {
        const first = command.split('\n')[0];
        reject(
          new IngressError('E_HAPROXY', `runtime API command "${first}" failed: ${String(cause)}`, { cause }),
        );
      });
    const timer = setTimeout(() => fail(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    stream.on('error', fail);
    stream.on('data', (chunk: Buffer) => chunks.push(Buffer.from(chunk)));
    stream.on('end', () => settle(() => resolve(Buffer.concat(chunks).toString('utf8'))));
    // Not half-closed after writing: HAProxy answers, then closes the connection itself.
    stream.write(command.endsWith('\n') ? command : `${command}\n`);
  });
}

/** Runs a command and checks its answer against what HAProxy 2.6 prints on success. */
async function expect(
  runtime: Pick<HaproxyRuntime, 'run'>,
  command: string,
  ok: (answer: string) => boolean,
): Promise<string> {
  const answer = await runtime.run(command);
  if (!ok(answer)) {
    const first = command.split('\n')[0];
    throw new IngressError('E_HAPROXY', `HAProxy refused "${first}": ${answer.trim().split('\n')[0] ?? ''}`);
  }
  return answer;
}

// `set server` answers nothing on success and a sentence on failure ("No such server.").
const silent = (answer: string): boolean => answer.trim() === '';
const notRefused = (answer: string): boolean => runtimeError(answer) === null;
const staged = (answer: string): boolean => /^transaction created/i.test(answer.trim());
const committed = (answer: string): boolean => /^Success!$/m.test(answer);

async function setAndCommit(
  runtime: HaproxyRuntime,
  set: string,
  commit: string,
  abort: string,
): Promise<void> {
  await expect(runtime, set, staged);
  try {
    await expect(runtime, commit, committed);
  } catch (err) {
    // Leave no half-done transaction behind: the next `set` would otherwise be refused.
    await runtime.run(abort).catch(() => undefined);
    throw err;
  }
}

/** What the daemon reads of a server's checks (probe-pace.ts), beside its name. */
const CHECK_FIELDS = ['pxname', 'svname', 'chkfail', 'check_duration'] as const;

export function createHaproxyRuntime(options: HaproxyRuntimeOptions): HaproxyRuntime {
  const timeoutMs = options.timeoutMs ?? 5000;
  const runtime: HaproxyRuntime = {
    run: (command) => send(options.connector, command, timeoutMs),
    showServersState: async (backend) =>
      parseServersState(await expect(runtime, cmd.showServersState(backend), notRefused)),
    showStat: async () => parseStat(await expect(runtime, cmd.showStat(), notRefused)),
    showServersAndChecks: async () => {
      const both = `${cmd.showServersState()};${cmd.showStat('servers')}`;
      const answer = await expect(runtime, both, notRefused);
      // Each answer ends with an empty line. Without the second, the caller goes without checks.
      const cut = answer.indexOf('\n\n');
      const stat = cut < 0 ? '' : answer.slice(cut + 2);
      return {
        servers: parseServersState(cut < 0 ? answer : answer.slice(0, cut + 1)),
        checks: runtimeError(stat) === null ? parseStat(stat, CHECK_FIELDS) : [],
      };
    },
    setServerState: async (backend, server, state) => {
      await expect(runtime, cmd.setServerState(backend, server, state), silent);
    },
    setServerWeight: async (backend, server, weight) => {
      await expect(runtime, cmd.setServerWeight(backend, server, weight), silent);
    },
    replaceCert: (file, pem) =>
      setAndCommit(runtime, cmd.setSslCert(file, pem), cmd.commitSslCert(file), cmd.abortSslCert(file)),
    replaceCaFile: (file, pem) =>
      setAndCommit(runtime, cmd.setSslCaFile(file, pem), cmd.commitSslCaFile(file), cmd.abortSslCaFile(file)),
    replaceCrlFile: (file, pem) =>
      setAndCommit(
        runtime,
        cmd.setSslCrlFile(file, pem),
        cmd.commitSslCrlFile(file),
        cmd.abortSslCrlFile(file),
      ),
  };
  return runtime;
}
