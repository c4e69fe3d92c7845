import type { RawArgs } from './args.js';
import { argError, checkKnown, optEnum, optNumber, optString } from './args.js';
import { q } from './shell-quote.js';
import type { Module, ModuleContext, ModuleResult } from './types.js';
import { sleep as realSleep } from '../time/sleep.js';

const KNOWN = [
  'host',
  'port',
  'path',
  'state',
  'timeout',
  'delay',
  'sleep',
  'search_regex',
  'connect_timeout',
  'msg',
];
const HOST = /^[A-Za-z0-9._:-]+$/;

export interface WaitForArgs {
  host: string;
  port?: number;
  path?: string;
  state: 'started' | 'stopped' | 'present' | 'absent';
  timeoutS: number;
  delayS: number;
  sleepS: number;
  connectTimeoutS: number;
  searchRegex?: string;
  msg?: string;
}

export function parseWaitForArgs(args: RawArgs): WaitForArgs {
  checkKnown('wait_for', args, KNOWN);
  const host = optString('wait_for', args, 'host') ?? '127.0.0.1';
  if (!HOST.test(host))
    throw argError('wait_for', 'host', `${JSON.stringify(host)} is not a host name or address`);
  const port = optNumber('wait_for', args, 'port');
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) {
    throw argError('wait_for', 'port', 'must be a port number (1-65535)');
  }
  const path = optString('wait_for', args, 'path');
  if (port !== undefined && path !== undefined)
    throw argError('wait_for', 'path', 'is mutually exclusive with port');
  const searchRegex = optString('wait_for', args, 'search_regex');
  if (searchRegex !== undefined && path === undefined)
    throw argError('wait_for', 'search_regex', 'needs path');
  return {
    host,
    port,
    path,
    state:
      optEnum('wait_for', args, 'state', ['started', 'stopped', 'present', 'absent'] as const) ?? 'started',
    timeoutS: optNumber('wait_for', args, 'timeout') ?? 300,
    delayS: optNumber('wait_for', args, 'delay') ?? 0,
    sleepS: optNumber('wait_for', args, 'sleep') ?? 1,
    connectTimeoutS: optNumber('wait_for', args, 'connect_timeout') ?? 5,
    searchRegex,
    msg: optString('wait_for', args, 'msg'),
  };
}

/** One probe on the host; rc 0 means the port accepts, or the path (and regex) is there. */
export function probeCommand(args: WaitForArgs): string {
  if (args.port !== undefined) {
    const connect = `exec 3<>/dev/tcp/${args.host}/${args.port}`;
    return `timeout ${Math.max(1, Math.ceil(args.connectTimeoutS))} bash -c ${q(connect)} 2>/dev/null`;
  }
  if (args.path === undefined) return 'true';
  if (args.searchRegex !== undefined && (args.state === 'started' || args.state === 'present')) {
    return `grep -E -q -- ${q(args.searchRegex)} ${q(args.path)} 2>/dev/null`;
  }
  return `test -e ${q(args.path)}`;
}

/** Started/present wait for the probe to pass; stopped/absent for it to fail. */
export function probeSatisfied(args: WaitForArgs, rc: number): boolean {
  const wantUp = args.state === 'started' || args.state === 'present';
  return wantUp ? rc === 0 : rc !== 0;
}

function target(args: WaitForArgs): string {
  return args.port !== undefined ? `${args.host}:${args.port}` : (args.path ?? 'nothing');
}

export type Sleep = (ms: number) => Promise<void>;

/**
 * Polls from the controller, one short probe exec per round: the deadline runs on the
 * injected clock (testable), and no remote command outlives its channel or exec timeout.
 */
export async function waitFor(
  args: WaitForArgs,
  ctx: ModuleContext,
  sleep: Sleep = realSleep,
): Promise<ModuleResult> {
  const startMs = ctx.now();
  if (args.delayS > 0) await sleep(args.delayS * 1000);
  const probe = probeCommand(args);
  for (;;) {
    const res = await ctx.remote.exec(probe);
    if (res.rc === 127)
      return { changed: false, failed: true, msg: `probe failed to run: ${res.stderr.trim()}` };
    const elapsedS = Math.floor((ctx.now() - startMs) / 1000);
    if (probeSatisfied(args, res.rc)) {
      return {
        changed: false,
        elapsed: elapsedS,
        state: args.state,
        ...(args.port ? { port: args.port } : { path: args.path }),
      };
    }
    if (ctx.now() - startMs >= args.timeoutS * 1000) {
      const msg = args.msg ?? `Timeout when waiting for ${target(args)} to be ${args.state}`;
      return { changed: false, failed: true, elapsed: elapsedS, msg };
    }
    await sleep(args.sleepS * 1000);
  }
}

export const waitForModule: Module = {
  name: 'wait_for',
  aliases: ['ansible.builtin.wait_for'],
  validate: (args) => void parseWaitForArgs(args),
  run: (args, ctx) => waitFor(parseWaitForArgs(args), ctx),
};
