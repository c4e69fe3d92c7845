import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecResult } from '../../../src/transport/types.js';

const DIR = join(import.meta.dirname, '../../fixtures/facts');

/** A fact command's recorded output on a lab node (see test/fixtures/facts/record.ts). */
export interface RecordedExec extends ExecResult {
  command: string;
}

export function fixture(name: string): RecordedExec {
  return JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8')) as RecordedExec;
}
