import { Command } from 'commander';
import { vi } from 'vitest';
import { registerPlayCommand } from '../../../src/cli/commands/play.js';

/** `ingress play ARGS` in this process: what it printed and the exit code it asked for. */
export async function playCli(...args: string[]): Promise<{ code: number | undefined; out: string }> {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(chunk.toString());
    return true;
  });
  let code: number | undefined;
  const program = new Command('ingress').exitOverride();
  registerPlayCommand(program, (c) => {
    code = c;
  });
  try {
    await program.parseAsync(['play', ...args], { from: 'user' });
  } finally {
    spy.mockRestore();
  }
  return { code, out: chunks.join('') };
}
