import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { mapLimit } from '../../../src/runner/concurrency.js';
import { parseRecap, runCli } from '../support/cli.js';
import { useLab } from '../support/lab.js';
import { startLightNode, type LightNode } from '../support/light-node.js';

// Thirty containers on two shared cores: starting them and each run are slow.
vi.setConfig({ testTimeout: 600_000, hookTimeout: 1_200_000 });

const playbook = fileURLToPath(new URL('../../fixtures/integration/rolling/roll.yml', import.meta.url));
const names = Array.from({ length: 30 }, (_, i) => `node${String(i + 1).padStart(2, '0')}`);
const hosts = new Map<string, LightNode>();
let inventory = '';

const lab = useLab(async (l) => {
  const net = await l.createNetwork('net');
  await mapLimit(names, 4, async (name) => {
    hosts.set(name, await startLightNode(l, name, net));
  });
  const entries = names.map((name) => {
    const h = hosts.get(name) as LightNode;
    return `        ${name}:\n          ansible_host: ${h.address}\n`;
  });
  inventory = join(l.workDir, 'hosts.yml');
  await writeFile(
    inventory,
    `all:\n  vars:\n    ansible_user: root\n    ansible_ssh_private_key_file: ${l.keyPair.privateKeyFile}\n` +
      `  children:\n    ingress:\n      hosts:\n${entries.join('')}`,
  );
});

const roll = (release: number, batch: string) =>
  runCli(
    ['play', playbook, '-i', inventory, '--known-hosts', lab.current().knownHostsFile, '-f', '10'].concat([
      '-e',
      `release=${release}`,
      '-e',
      `rolling_batch=${batch}`,
    ]),
    { timeoutMs: 600_000 },
  );

const relayOf = async (name: string): Promise<string> =>
  (await (hosts.get(name) as LightNode).exec('cat /etc/roll/relay.cfg')).stdout.trim();

describe('a rolling play over 30 nodes in batches', () => {
  it('converges in batches of a quarter, then a second run changes nothing', async () => {
    const first = await roll(1, '25%');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const recap = parseRecap(first.stdout);
    for (const name of names) {
      expect(recap[name]).toMatchObject({ ok: 4, changed: 3, failed: 0, unreachable: 0 });
      expect(await relayOf(name)).toBe(`relay ${name} release 1`);
    }
    const started = Date.now();
    const again = await roll(1, '25%');
    const noOpMs = Date.now() - started;
    expect(again.code).toBe(0);
    const quiet = parseRecap(again.stdout);
    for (const name of names) expect(quiet[name]).toMatchObject({ ok: 3, changed: 0, failed: 0 });
    // A measured figure for the record, not a check: timings belong to the benchmark.
    console.log(`no-op roll of ${names.length} nodes: ${noOpMs} ms (CLI start included)`);
  });

  it('stops at the first unhealthy batch: the later batches keep their old release', async () => {
    await (hosts.get('node10') as LightNode).exec('touch /etc/roll/broken');
    const run = await roll(2, '7');
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('no healthy path from node10');
    const recap = parseRecap(run.stdout);
    const [first, second, rest] = [names.slice(0, 7), names.slice(7, 14), names.slice(14)];
    for (const name of first) {
      expect(recap[name]).toMatchObject({ changed: 2, failed: 0 });
      expect(await relayOf(name)).toBe(`relay ${name} release 2`);
    }
    // The failing batch was changed (its health gate is what failed) and stops there.
    for (const name of second) expect(await relayOf(name)).toBe(`relay ${name} release 2`);
    expect(recap['node10']).toMatchObject({ failed: 1 });
    for (const name of rest) {
      expect(recap[name]).toMatchObject({ ok: 0, changed: 0, failed: 0 });
      expect(await relayOf(name)).toBe(`relay ${name} release 1`);
    }
  });
});
