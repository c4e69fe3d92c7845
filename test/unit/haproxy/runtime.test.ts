import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { Duplex } from 'node:stream';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHaproxyRuntime, unixSocketConnector } from '../../../src/haproxy/runtime.js';

function recorded(name: string): string {
  return readFileSync(new URL(`../../fixtures/haproxy/${name}`, import.meta.url), 'utf8');
}

/**
 * A stand-in for HAProxy's stats socket on a temporary unix socket: reads one command, answers with a
 * recorded reply (or stays silent), then closes, as HAProxy does in non-interactive mode.
 */
class FakeSocket {
  readonly received: string[] = [];
  answers = new Map<string, string>();
  readonly dir = mkdtempSync(join(tmpdir(), 'haproxy-'));
  readonly path = join(this.dir, 'admin.sock');
  private server: Server | undefined;

  start(): Promise<void> {
    this.server = createServer((socket) => {
      let buffer = '';
      socket.on('data', (chunk) => {
        buffer += chunk.toString();
        // A payload command ends with a blank line; others with their first newline.
        const done = buffer.includes(' <<\n') ? buffer.endsWith('\n\n') : buffer.endsWith('\n');
        if (!done) return;
        this.received.push(buffer);
        const key = buffer.split('\n')[0] ?? '';
        const answer = this.answers.get(key);
        if (answer !== undefined) socket.end(answer);
      });
    });
    return new Promise((resolve) => this.server?.listen(this.path, resolve));
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

let fake: FakeSocket;
beforeEach(async () => {
  fake = new FakeSocket();
  await fake.start();
});
afterEach(async () => fake.stop());

const runtime = () => createHaproxyRuntime({ connector: unixSocketConnector(fake.path), timeoutMs: 500 });

describe('HAProxy runtime client', () => {
  it('reads and parses server states', async () => {
    fake.answers.set('show servers state', recorded('show-servers-state.txt'));
    const rows = await runtime().showServersState();
    expect(rows.map((r) => r.server)).toEqual(['wan1', 'wan2', 'mesh']);
    expect(fake.received).toEqual(['show servers state\n']);
  });

  it("reads server states and the servers' check counters over one connection", async () => {
    const both = 'show servers state;show stat -1 4 -1';
    const state = recorded('show-servers-state.txt').trimEnd();
    fake.answers.set(both, `${state}\n\n${recorded('show-stat.csv').trimEnd()}\n\n`);
    const read = await runtime().showServersAndChecks();
    expect(read.servers.map((r) => r.server)).toEqual(['wan1', 'wan2', 'mesh']);
    expect(read.checks.find((c) => c.pxname === 'home' && c.svname === 'wan2')).toEqual({
      pxname: 'home',
      svname: 'wan2',
      chkfail: expect.stringMatching(/^\d+$/),
      check_duration: expect.stringMatching(/^\d*$/),
    });
    expect(fake.received).toEqual([`${both}\n`]);
    // An HAProxy that refuses the second command still gives the states, without checks.
    fake.answers.set(both, `${state}\n\nUnknown command: 'show stat -1'\n\n`);
    expect(await runtime().showServersAndChecks()).toMatchObject({ checks: [] });
  });

  it('sets a server state, and surfaces HAProxy refusing it', async () => {
    fake.answers.set('set server home/wan2 state drain', recorded('set-state-drain.txt'));
    fake.answers.set('set server home/nope state ready', recorded('error-no-server.txt'));
    await runtime().setServerState('home', 'wan2', 'drain');
    await expect(runtime().setServerState('home', 'nope', 'ready')).rejects.toThrow(/No such server/);
  });

  it('swaps a certificate with set then commit', async () => {
    fake.answers.set('set ssl cert /cfg/node.pem <<', recorded('set-ssl-cert.txt'));
    fake.answers.set('commit ssl cert /cfg/node.pem', recorded('commit-ssl-cert.txt'));
    await runtime().replaceCert('/cfg/node.pem', '-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----');
    expect(fake.received.map((c) => c.split('\n')[0])).toEqual([
      'set ssl cert /cfg/node.pem <<',
      'commit ssl cert /cfg/node.pem',
    ]);
  });

  it('aborts the transaction when a commit fails', async () => {
    fake.answers.set('set ssl cert /cfg/node.pem <<', recorded('set-ssl-cert.txt'));
    fake.answers.set('commit ssl cert /cfg/node.pem', recorded('commit-ssl-cert-none.txt'));
    fake.answers.set('abort ssl cert /cfg/node.pem', 'Transaction aborted for certificate /cfg/node.pem!\n');
    await expect(runtime().replaceCert('/cfg/node.pem', 'PEM')).rejects.toThrow(/No ongoing transaction/);
    expect(fake.received.at(-1)).toBe('abort ssl cert /cfg/node.pem\n');
  });

  it('replaces CA and CRL files', async () => {
    fake.answers.set('set ssl ca-file /cfg/ca.pem <<', recorded('set-ssl-ca-file.txt'));
    fake.answers.set('commit ssl ca-file /cfg/ca.pem', recorded('commit-ssl-ca-file.txt'));
    fake.answers.set('set ssl crl-file /cfg/crl.pem <<', recorded('set-ssl-crl-file.txt'));
    fake.answers.set('commit ssl crl-file /cfg/crl.pem', recorded('commit-ssl-crl-file.txt'));
    await runtime().replaceCaFile('/cfg/ca.pem', 'CA');
    await runtime().replaceCrlFile('/cfg/crl.pem', 'CRL');
    expect(fake.received).toHaveLength(4);
  });

  it('times out when HAProxy does not answer', async () => {
    await expect(runtime().showStat()).rejects.toThrow(/no answer within 500 ms/);
  });

  it('fails with E_HAPROXY when the socket is absent', async () => {
    const client = createHaproxyRuntime({ connector: unixSocketConnector(join(fake.dir, 'absent.sock')) });
    await expect(client.run('show stat')).rejects.toMatchObject({ code: 'E_HAPROXY' });
  });
});

describe('HAProxy runtime client over any duplex stream', () => {
  it('works over a stream that is not a socket (e.g. an SSH channel to a bridge)', async () => {
    const written: string[] = [];
    const connector = () =>
      new Duplex({
        read() {},
        write(chunk: Buffer, _encoding, callback) {
          written.push(chunk.toString());
          this.push(recorded('show-servers-state-after.txt'));
          this.push(null);
          callback();
        },
      });
    const rows = await createHaproxyRuntime({ connector }).showServersState('home');
    expect(written).toEqual(['show servers state home\n']);
    expect(rows.find((r) => r.server === 'mesh')?.admin).toBe('maint');
  });
});
