import { describe, expect, it } from 'vitest';
import { editBlock, editLine } from '../../../src/modules/line-edit.js';
import type { BlockSpec, LineSpec } from '../../../src/modules/line-edit.js';
import { parseLineinfileArgs } from '../../../src/modules/lineinfile.js';
import { parseBlockinfileArgs } from '../../../src/modules/blockinfile.js';

const SSHD = '#Port 22\nPermitRootLogin yes\nPasswordAuthentication yes\n';
const line = (args: Record<string, unknown>): LineSpec => parseLineinfileArgs({ path: '/f', ...args }).spec;
const block = (args: Record<string, unknown>): BlockSpec =>
  parseBlockinfileArgs({ path: '/f', ...args }).spec;

describe('lineinfile edits', () => {
  it('replaces the line a regexp matches, and is idempotent', () => {
    const spec = line({ regexp: '^#?PermitRootLogin', line: 'PermitRootLogin no' });
    const once = editLine(SSHD, spec);
    expect(once).toBe('#Port 22\nPermitRootLogin no\nPasswordAuthentication yes\n');
    expect(editLine(once, spec)).toBe(once);
  });

  it('appends at the end when nothing matches, or after insertafter', () => {
    expect(editLine(SSHD, line({ line: 'UseDNS no' }))).toBe(`${SSHD}UseDNS no\n`);
    expect(editLine(SSHD, line({ line: 'Port 2222', insertafter: '^#Port' }))).toBe(
      '#Port 22\nPort 2222\nPermitRootLogin yes\nPasswordAuthentication yes\n',
    );
    expect(editLine(SSHD, line({ line: 'Include x', insertbefore: 'BOF' }))).toBe(`Include x\n${SSHD}`);
  });

  it('leaves the file alone when the line is already there though the regexp matches nothing', () => {
    expect(editLine(SSHD, line({ regexp: '^Nope', line: 'PermitRootLogin yes' }))).toBe(SSHD);
  });

  it('expands backrefs and leaves the file alone when they match nothing', () => {
    const spec = line({ regexp: '^#Port (\\d+)', line: 'Port \\1', backrefs: true });
    expect(editLine(SSHD, spec)).toBe('Port 22\nPermitRootLogin yes\nPasswordAuthentication yes\n');
    expect(editLine('x\n', spec)).toBe('x\n');
  });

  it('removes matching lines with state=absent', () => {
    expect(editLine(SSHD, line({ regexp: '^Pass', state: 'absent' }))).toBe(
      '#Port 22\nPermitRootLogin yes\n',
    );
    expect(editLine(SSHD, line({ line: 'absent line', state: 'absent' }))).toBe(SSHD);
  });

  it('adds a newline before appending to a file without one', () => {
    expect(editLine('a', line({ line: 'b' }))).toBe('a\nb\n');
  });

  it('refuses contradictory arguments, naming the field', () => {
    expect(() => parseLineinfileArgs({ path: '/f' })).toThrow(/line: is required/);
    expect(() => parseLineinfileArgs({ path: '/f', line: 'x', insertafter: 'a', insertbefore: 'b' })).toThrow(
      /insertbefore/,
    );
    expect(() => parseLineinfileArgs({ path: '/f', line: 'x', backrefs: true })).toThrow(
      /backrefs: needs regexp/,
    );
  });
});

describe('blockinfile edits', () => {
  it('inserts a marked block, replaces it in place, removes it', () => {
    const spec = block({ block: 'a\nb\n' });
    const once = editBlock('head\n', spec);
    expect(once).toBe('head\n# BEGIN ANSIBLE MANAGED BLOCK\na\nb\n# END ANSIBLE MANAGED BLOCK\n');
    expect(editBlock(once, spec)).toBe(once);
    const changed = editBlock(`${once}tail\n`, block({ block: 'c' }));
    expect(changed).toBe('head\n# BEGIN ANSIBLE MANAGED BLOCK\nc\n# END ANSIBLE MANAGED BLOCK\ntail\n');
    expect(editBlock(changed, block({ state: 'absent' }))).toBe('head\ntail\n');
  });

  it('honours a custom marker and insertbefore', () => {
    const spec = block({ block: 'x', marker: '// {mark} ours', insertbefore: '^tail' });
    expect(editBlock('head\ntail\n', spec)).toBe('head\n// BEGIN ours\nx\n// END ours\ntail\n');
  });
});
