import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { runProgram } from '../../../src/cli/run-program.js';

/** A program with one subcommand taking a required argument, its output captured. */
async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const program = new Command('tool').configureOutput({
    writeOut: (s) => (out += s),
    writeErr: (s) => (err += s),
  });
  const code = await runProgram(program, argv, 'tool', () => {
    program
      .command('greet')
      .argument('<name>')
      .action(() => undefined);
  });
  return { code, out, err };
}

describe('runProgram', () => {
  it("maps a subcommand's usage error to E_USAGE's exit code, without exiting the process", async () => {
    const result = await run(['greet']);
    expect(result.code).toBe(64);
    expect(result.err).toContain("missing required argument 'name'");
  });

  it("returns 0 after a subcommand's help, so the caller can finish (the CLI saves its code cache then)", async () => {
    const result = await run(['greet', '--help']);
    expect(result.code).toBe(0);
    expect(result.out).toContain('Usage: tool greet [options] <name>');
  });

  it('maps a usage error of the program itself the same way', async () => {
    expect((await run(['--bogus'])).code).toBe(64);
  });
});
