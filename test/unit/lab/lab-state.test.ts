import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LabState } from '../../../src/lab/lab-state.js';
import { labPaths, parseLabState, readLabState, writeLabState } from '../../../src/lab/lab-state.js';
import { errorOf } from '../../support/error-of.js';

const good: LabState = {
  version: 1,
  runId: 'a1b2c3d4',
  base: 238,
  createdAt: '2025-01-02T03:04:05.000Z',
  phase: 'ready',
  tsig: { name: 'ingress-update', algorithm: 'hmac-sha256', secretBase64: 'c2VjcmV0c2VjcmV0' },
};

describe('parseLabState', () => {
  it('reads back what was written', () => {
    expect(parseLabState(JSON.stringify(good), 'state.json')).toEqual(good);
  });

  it('accepts a lab still starting, without its TSIG key yet', () => {
    const { tsig: _tsig, ...starting } = { ...good, phase: 'starting' as const };
    expect(parseLabState(JSON.stringify(starting), 'state.json')).toEqual(starting);
  });

  it.each([
    ['runId', { runId: '../etc' }, /runId must be/],
    ['base', { base: 300 }, /base must be an integer 0-255/],
    ['phase', { phase: 'done' }, /phase must be starting or ready/],
    ['version', { version: 2 }, /unsupported lab state version 2/],
    ['createdAt', { createdAt: 'yesterday' }, /createdAt must be an ISO date/],
    ['tsig.algorithm', { tsig: { ...good.tsig, algorithm: 'hmac-md5' } }, /hmac-sha256/],
  ])('names the file and the field when %s is wrong', (field, change, message) => {
    const err = errorOf(() => parseLabState(JSON.stringify({ ...good, ...change }), '/x/state.json'));
    expect(err.code).toBe('E_LAB');
    expect(err.message).toMatch(message);
    expect(err.message).toContain('ingress lab down');
    expect(err.location).toEqual({ file: '/x/state.json', field });
  });

  it('says the file is not JSON', () => {
    const err = errorOf(() => parseLabState('{"version":', '/x/state.json'));
    expect(err.message).toMatch(/^\/x\/state\.json is not JSON/);
    expect(err.location?.file).toBe('/x/state.json');
  });
});

describe('the lab folder', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('has no lab until one is written; the state file is 0600', async () => {
    dir = await mkdtemp(join(tmpdir(), 'lab-state-'));
    const lab = join(dir, '.lab');
    expect(await readLabState(lab)).toBeUndefined();
    await writeLabState(lab, good);
    expect(await readLabState(lab)).toEqual(good);
    expect((await stat(labPaths(lab).state)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(labPaths(lab).state, 'utf8'))).toEqual(good);
  });

  it('refuses a damaged state file rather than guessing', async () => {
    dir = await mkdtemp(join(tmpdir(), 'lab-state-'));
    await writeFile(join(dir, 'state.json'), '[]');
    await expect(readLabState(dir)).rejects.toThrow(/the lab state must be a JSON object/);
  });
});
