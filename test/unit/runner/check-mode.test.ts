import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JsonReport } from '../../../src/runner/output-json.js';
import { fixture } from './harness.js';
import { playCli as play } from './play-cli.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ingress-check-'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(root, { recursive: true, force: true });
});

const book = fixture('local/check-new-node.yml');
const inventory = fixture('local/inventory.ini');

describe('--check on a brand-new node', () => {
  it('reports every step instead of failing, runs check_mode: false probes, and touches nothing', async () => {
    const { code, out } = await play(book, '-i', inventory, '--check', '--json', '-e', `root=${root}`);
    const doc = JSON.parse(out) as JsonReport;
    const byName = Object.fromEntries(
      (doc.plays[0]?.tasks ?? []).map((t) => [t.task.name, t.hosts.localhost]),
    );
    expect(code).toBe(0);
    expect(byName['make the app folder']).toMatchObject({ skipped: true, changed: false });
    expect(byName['generate the config on the node']).toMatchObject({ skipped: true });
    expect(byName['install the generated config']).toMatchObject({ changed: true });
    expect(byName['install the generated config']?.failed).toBeFalsy();
    expect(byName['write a file into the folder that does not exist yet']).toMatchObject({
      changed: true,
    });
    // The probe ran for real: it saw the empty folder.
    expect(byName['report the probe']).toMatchObject({ msg: 'probe saw []' });
    expect(byName['only when the folder was really made']).toMatchObject({ skipped: true });
    expect(byName['only when it was skipped']).toMatchObject({ msg: 'mkdir was skipped: True' });
    expect(doc.stats.localhost).toMatchObject({ failed: 0, unreachable: 0 });
    expect(await readdir(root)).toEqual([]);
  });

  it('without --check the same playbook builds the node', async () => {
    const { code, out } = await play(book, '-i', inventory, '-e', `root=${root}`);
    expect(code).toBe(0);
    expect(out).toContain('"msg": "probe saw [app]"');
    expect((await readdir(join(root, 'app'))).sort()).toEqual([
      'app.conf',
      'generated.conf',
      'installed.conf',
      'marker',
    ]);
  });
});
