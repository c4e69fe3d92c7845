import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { IngressError } from '../../../src/errors.js';
import type { JsonReport } from '../../../src/runner/output-json.js';
import { fixture } from './harness.js';
import { playCli as play } from './play-cli.js';

const inventory = fixture('local/inventory.ini');

describe('ingress play', () => {
  afterEach(() => vi.restoreAllMocks());

  it('runs a playbook locally and prints the text output', async () => {
    const { code, out } = await play(fixture('local/site.yml'), '-i', inventory, '-e', 'greeting=bonjour');
    expect(code).toBe(0);
    expect(out).toContain('"msg": "bonjour from localhost"');
    expect(out).toMatch(/localhost +: ok=3 +changed=0 +unreachable=0 +failed=0/);
    expect(out).not.toContain('\u001b[');
  });

  it('--json prints one document', async () => {
    const { code, out } = await play(fixture('local/site.yml'), '-i', inventory, '--json');
    expect(code).toBe(0);
    const doc = JSON.parse(out) as JsonReport;
    expect(doc.plays[0]?.tasks[1]?.hosts.localhost).toMatchObject({ rc: 0, stdout: 'hello', changed: false });
    expect(doc.stats.localhost?.ok).toBe(3);
  });

  it('exits 2 when a host failed', async () => {
    const { code, out } = await play(fixture('local/fail.yml'), '-i', inventory);
    expect(code).toBe(2);
    expect(out).toContain('failed: [localhost]');
  });

  it('renders a templated hosts pattern with the extra vars', async () => {
    const { code, out } = await play(fixture('local/fail.yml'), '-i', inventory, '-e', 'target=nothing');
    expect(code).toBe(0);
    expect(out).toContain('[WARNING]: skipping: no hosts matched');
  });

  it('exits 4 when a host is unreachable', async () => {
    const known = join(await mkdtemp(join(tmpdir(), 'ingress-kh-')), 'known_hosts');
    const { code, out } = await play(
      fixture('local/down.yml'),
      '-i',
      inventory,
      '--known-hosts',
      known,
      '--timeout',
      '2',
    );
    expect(code).toBe(4);
    expect(out).toContain('fatal: [nowhere]: UNREACHABLE!');
  });

  it('rejects a playbook with an unknown module before running anything', async () => {
    const err = await play(fixture('local/typo.yml'), '-i', inventory).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IngressError);
    expect((err as IngressError).location).toMatchObject({ line: 5, field: 'comand' });
  });
});
