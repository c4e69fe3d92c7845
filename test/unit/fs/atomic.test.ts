import { describe, expect, it } from 'vitest';
import { tempName, tempWriterPid } from '../../../src/fs/atomic.js';

describe('temp names', () => {
  it('name the process writing them, beside the target', () => {
    const name = tempName('/dist/cli/ingress.cjs');
    expect(name.startsWith('/dist/cli/ingress.cjs.tmp-')).toBe(true);
    expect(tempWriterPid(name)).toBe(process.pid);
  });

  it('are told apart from every other file', () => {
    expect(tempWriterPid('/dist/cli/ingress.cjs')).toBeUndefined();
    expect(tempWriterPid('/dist/cli/ingress.cjs.tmp-12')).toBeUndefined();
    expect(tempWriterPid('/dist/cli/ingress.cjs.tmp-12-abcdef01.js')).toBeUndefined();
  });
});
