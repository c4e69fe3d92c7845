import { describe, expect, it } from 'vitest';
import { formatTable } from '../../../src/text/table.js';

describe('formatTable', () => {
  it('pads each column to its widest cell, without trailing spaces', () => {
    const rows = [
      ['HOST', 'MODE', 'PATHS'],
      ['ingress-1', 'ingress', 'wan1 up'],
      ['home', 'local', '-'],
    ];
    expect(formatTable(rows)).toBe(
      ['HOST       MODE     PATHS', 'ingress-1  ingress  wan1 up', 'home       local    -'].join('\n'),
    );
  });

  it('keeps short rows and an empty table', () => {
    expect(formatTable([['A', 'B'], ['long']])).toBe('A     B\nlong');
    expect(formatTable([])).toBe('');
  });
});
