import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabHost } from '../../../src/lab/lab.js';
import { SshTransport } from '../../../src/transport/ssh.js';
import { useLab } from '../support/lab.js';
import { sleep } from '../../../src/time/sleep.js';

/**
 * Many short commands over one connection on a loaded machine: the case where
 * a playbook saw "connection lost while running a command" on a live host.
 */
let host: LabHost;
useLab(async (l) => {
  await l.createNetwork('net');
  host = await l.startHost({ name: 'stress', networks: [{ name: 'net' }] });
});

const EXECS = 400;
const PUTS = 120;
const CONCURRENCY = 24;
/** Busy loops in the container and stalls of this event loop, both bounded in time. */
const LOAD_SECONDS = 90;

async function inParallel<T>(count: number, limit: number, job: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < count; i = next++) results[i] = await job(i);
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

/** Blocks this process now and then, so SSH packets pile up and arrive together. */
function stallEventLoop(): () => void {
  const timer = setInterval(() => {
    const until = Date.now() + 30;
    while (Date.now() < until) {
      // Busy on purpose.
    }
  }, 45);
  return () => clearInterval(timer);
}

describe('SshTransport under load', () => {
  let transport: SshTransport;
  let stopStalls: () => void = () => undefined;
  beforeAll(async () => {
    transport = await SshTransport.connect(host.connectionSpec());
    const burn = `timeout ${LOAD_SECONDS} sh -c 'while :; do :; done'`;
    await host.exec(`for i in 1 2 3; do (${burn} >/dev/null 2>&1 &); done`);
    stopStalls = stallEventLoop();
  });
  afterAll(async () => {
    stopStalls();
    await host?.exec("pkill -f 'while :; do :; done'").catch(() => undefined);
    await transport?.close();
  });

  it('runs hundreds of concurrent short execs and puts without a spurious unreachable', async () => {
    const execs = inParallel(EXECS, CONCURRENCY, async (i) => {
      // Commands that finish before their stdin is even sent: the exit status arrives at once.
      const command = i % 3 === 0 ? 'true' : i % 3 === 1 ? `echo ${i}` : `exit ${i % 7}`;
      return { i, result: await transport.exec(command) };
    });
    const puts = inParallel(PUTS, CONCURRENCY / 2, async (i) => {
      const path = `/tmp/stress-${i}.txt`;
      await transport.put(path, `content ${i}\n`, { mode: 0o640 });
      return (await transport.get(path)).toString('utf8');
    });
    const [execResults, putResults] = await Promise.all([execs, puts]);
    for (const { i, result } of execResults) {
      if (i % 3 === 0) expect(result).toEqual({ stdout: '', stderr: '', rc: 0 });
      if (i % 3 === 1) expect(result).toEqual({ stdout: `${i}\n`, stderr: '', rc: 0 });
      if (i % 3 === 2) expect(result.rc).toBe(i % 7);
    }
    expect(putResults).toEqual(Array.from({ length: PUTS }, (_, i) => `content ${i}\n`));
    expect(transport.reconnects).toBe(0);
    const load = await transport.exec('cat /proc/loadavg');
    expect(load.rc).toBe(0);
  }, 240_000);
});

describe('SshTransport when the link really drops', () => {
  let transport: SshTransport;
  beforeAll(async () => {
    transport = await SshTransport.connect(host.connectionSpec());
  });
  afterAll(() => transport?.close());

  /** Ends the sshd processes serving this connection, as a dropped link would (OpenSSH 10 names them sshd-session). */
  const dropLink = (): Promise<unknown> => host.exec("pkill -f 'sshd(-session)?: root@notty'");

  it('reconnects once for a command that had not started', async () => {
    expect((await transport.exec('echo before')).stdout).toBe('before\n');
    await dropLink();
    await sleep(500);
    expect(await transport.exec('echo after')).toEqual({ stdout: 'after\n', stderr: '', rc: 0 });
    expect(transport.reconnects).toBe(1);
  });

  it('never runs a command twice: one cut off while running is reported unreachable', async () => {
    await host.exec('rm -f /tmp/ran-count');
    // Settled at once into a value: the rejection lands while dropLink is still awaited.
    const running = transport.exec('echo ran >> /tmp/ran-count; sleep 5').then(
      (result) =>
        Promise.reject(new Error(`expected the command to be cut off, got ${JSON.stringify(result)}`)),
      (err: unknown) => err,
    );
    await sleep(1_000);
    await dropLink();
    await expect(running).resolves.toMatchObject({
      code: 'E_UNREACHABLE',
      message: expect.stringMatching(/connection lost while running a command/),
    });
    expect((await host.exec('cat /tmp/ran-count')).stdout).toBe('ran\n');
    // The next command gets a fresh link.
    expect((await transport.exec('echo again')).stdout).toBe('again\n');
  }, 30_000);
});
