import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerCaCommand } from '../../../src/cli/commands/ca.js';
import type { CaStatus } from '../../../src/pki/status.js';
import { formatCaStatus } from '../../../src/pki/status.js';
import { openssl, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
let printed: string[];
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  printed = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed.push(String(chunk));
    return true;
  });
});
afterEach(async () => {
  vi.restoreAllMocks();
  await cleanup();
});

async function ingress(...args: string[]): Promise<string> {
  const program = new Command('ingress').exitOverride();
  registerCaCommand(program, () => undefined);
  printed = [];
  await program.parseAsync(args, { from: 'user' });
  return printed.join('');
}

const inventory = join(import.meta.dirname, '../../fixtures/pki/inventory.yml');

describe('ingress ca', () => {
  it('init, issue, revoke and status --json with every inventory host listed', async () => {
    const stateDir = join(dir, 'pki');
    expect(await ingress('ca', 'init', '--state-dir', stateDir, '--key-type', 'rsa-2048')).toMatch(
      /created CA [0-9a-f]{16}/,
    );
    const outDir = join(dir, 'out');
    await ingress(
      'ca',
      'issue',
      'ingress-1',
      '--san',
      'ingress-1.example.net,203.0.113.7',
      '--out',
      outDir,
      '--state-dir',
      stateDir,
    );
    expect((await stat(join(outDir, 'ingress-1.key'))).mode & 0o777).toBe(0o600);
    expect((await stat(outDir)).mode & 0o777).toBe(0o700);
    const verify = await openssl([
      'verify',
      '-CAfile',
      join(outDir, 'ca.pem'),
      join(outDir, 'ingress-1.crt'),
    ]);
    expect(verify.stdout).toContain(': OK');
    await ingress(
      'ca',
      'issue',
      'laptop',
      '--san',
      'laptop.lan',
      '--usage',
      'client',
      '--out',
      outDir,
      '--state-dir',
      stateDir,
    );
    await ingress('ca', 'revoke', 'laptop', '--state-dir', stateDir);

    const status = JSON.parse(
      await ingress('ca', 'status', '-i', inventory, '--state-dir', stateDir, '--json'),
    ) as CaStatus;
    expect(status.cas.map((ca) => ca.role)).toEqual(['current']);
    expect(status.rows.map((row) => [row.name, row.issued, row.inInventory, row.revoked])).toEqual([
      ['ingress-1', true, true, false],
      ['ingress-2', false, true, false],
      ['home', false, true, false],
      ['laptop', true, false, true],
    ]);
    expect(status.rows[0]?.sans).toEqual(['ingress-1.example.net', '203.0.113.7']);
    expect(status.rows[0]?.daysLeft).toBe(29);
    expect(status.rows[3]?.renewal).toEqual(['revoked']);
    expect(status.crl.number).toBe(2);

    const table = await ingress('ca', 'status', '--state-dir', stateDir);
    expect(table).toMatch(/^NAME\s+SUBJECT\s+SANS/m);
    expect(table).toMatch(/^laptop\s+CN=laptop\s+laptop\.lan\s+\S+\s+29\s+yes\s+current\s+revoked$/m);
    // The key is never printed.
    expect(printed.join('')).not.toContain('PRIVATE KEY');
    expect(await readFile(join(outDir, 'ingress-1.key'), 'utf8')).toContain('BEGIN PRIVATE KEY');
  });

  it('signs a CSR from a file and rotates', async () => {
    const stateDir = join(dir, 'pki');
    await ingress('ca', 'init', '--state-dir', stateDir);
    await openssl(
      [
        'req',
        '-new',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        'k.pem',
        '-out',
        'n.csr',
        '-subj',
        '/CN=home',
      ],
      dir,
    );
    await ingress(
      'ca',
      'sign',
      '--csr',
      join(dir, 'n.csr'),
      '--name',
      'home',
      '--san',
      'home.lan',
      '--out',
      join(dir, 'home.crt'),
      '--state-dir',
      stateDir,
    );
    expect(await ingress('ca', 'rotate', '--state-dir', stateDir)).toMatch(/stays in .*trust-bundle\.pem/);
    const verify = await openssl([
      'verify',
      '-CAfile',
      join(stateDir, 'trust-bundle.pem'),
      join(dir, 'home.crt'),
    ]);
    expect(verify.stdout).toContain(': OK');
    expect(await ingress('ca', 'crl', '--state-dir', stateDir)).not.toContain('dropped');
    await expect(ingress('ca', 'init', '--state-dir', stateDir)).rejects.toThrow(/already exists/);
  });

  it('formats an empty table', () => {
    const text = formatCaStatus({
      cas: [
        { id: 'abc', role: 'current', subject: 'CN=x', notAfter: '2040-01-01T00:00:00.000Z', daysLeft: 10 },
      ],
      crl: { number: 1, nextUpdate: null, needsRefresh: true },
      rows: [],
    });
    expect(text).toBe(
      'CA   ROLE     SUBJECT  NOT AFTER   DAYS\nabc  current  CN=x     2040-01-01  10\nCRL #1, next update none (refresh due)\n\nNAME  SUBJECT  SANS  NOT AFTER  DAYS  REVOKED  ISSUER  RENEW\n',
    );
  });
});
