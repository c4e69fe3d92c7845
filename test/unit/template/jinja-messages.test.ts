import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { IngressError } from '../../../src/errors.js';
import { createTemplar } from '../../../src/template/templar.js';
import { errorOf } from '../../support/error-of.js';

const syntaxError = (template: string): IngressError =>
  errorOf(() => createTemplar().renderText(template, { foo: 1, y: [] }, 'task.yml'));

interface Case {
  template: string;
  jinja2: { message: string; line: number } | null;
}

/** Broken templates and what Jinja2 said of each (record-jinja-errors.py). */
const cases = JSON.parse(
  readFileSync(new URL('../../fixtures/template/jinja-syntax-errors.json', import.meta.url), 'utf8'),
) as Case[];

describe('template syntax errors in Jinja2 words', () => {
  it.each(cases.filter((c) => c.jinja2).map((c) => [c.template, c.jinja2] as const))(
    '%j',
    (template, jinja2) => {
      const err = syntaxError(template);
      expect(err.code).toBe('E_TEMPLATE');
      expect(err.message).toContain(
        `template syntax error: ${jinja2?.message} (line ${jinja2?.line}, column`,
      );
      expect(err.message).not.toMatch(/Cannot read properties|parseIf|got variable-end/);
    },
  );

  it('gives the column of an unexpected end: just past the last character', () => {
    expect(syntaxError('{{ foo | ').message).toContain('(line 1, column 10)');
    expect(syntaxError('a\n{{ foo ').message).toContain('(line 2, column 8)');
  });
});
