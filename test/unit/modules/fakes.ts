import { spawn } from 'node:child_process';
import type { ExecOptions, ExecResult } from '../../../src/transport/types.js';
import type { ModuleContext, Remote } from '../../../src/modules/types.js';

/** Answers each command with the first rule whose pattern matches; records every command. */
export class ScriptedRemote implements Remote {
  readonly hostName = 'scripted';
  readonly commands: string[] = [];
  constructor(private readonly rules: [RegExp, ExecResult | ((cmd: string) => ExecResult)][]) {}

  async exec(command: string): Promise<ExecResult> {
    this.commands.push(command);
    const rule = this.rules.find(([re]) => re.test(command));
    if (rule === undefined) throw new Error(`unexpected command: ${command}`);
    return typeof rule[1] === 'function' ? rule[1](command) : rule[1];
  }
  async put(): Promise<void> {
    throw new Error('put is not used by modules');
  }
  async get(): Promise<Buffer> {
    throw new Error('get is not used by modules');
  }
}

/** Runs commands with /bin/sh on this machine: a real Remote for apply-level tests in a temp folder. */
export class ShellRemote implements Remote {
  readonly hostName = 'local-test';
  readonly commands: string[] = [];

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    this.commands.push(command);
    return new Promise((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', command], { cwd: options.cwd });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ stdout, stderr, rc: code ?? -1 }));
      // A command that never reads stdin closes the pipe early; that is not an error.
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.stdin ?? '');
    });
  }
  async put(): Promise<void> {
    throw new Error('put is not used by modules');
  }
  async get(): Promise<Buffer> {
    throw new Error('get is not used by modules');
  }
}

export function ok(stdout = ''): ExecResult {
  return { stdout, stderr: '', rc: 0 };
}

export function makeCtx(remote: Remote, overrides: Partial<ModuleContext> = {}): ModuleContext {
  return {
    remote,
    check: false,
    diff: false,
    playbookDir: '/nonexistent',
    vars: {},
    renderTemplate: (source) => source,
    now: () => Date.UTC(2026, 0, 2, 3, 4, 5),
    ...overrides,
  };
}
