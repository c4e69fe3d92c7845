import { describe, expect, it } from 'vitest';
import { createTemplar } from '../../../src/template/templar.js';
import { runFixture } from './harness.js';

describe('role variables seen by the rest of the play', () => {
  it('match what ansible-playbook 2.14 prints for the same play', async () => {
    const run = await runFixture('roles/visibility.yml', { templar: createTemplar() });
    expect(run.report.exitCode).toBe(0);
    const messages = [...run.output.matchAll(/"msg": "(.*)"/g)].map((m) => m[1]);
    expect(messages).toEqual([
      'from played defaults | from played vars | from dep defaults | no public yet | no param',
      'dep',
      'played',
      'dep',
      'private',
      'private stays private',
      'public',
      'from public defaults | from public vars | from played vars | set by vars',
    ]);
  });
});
