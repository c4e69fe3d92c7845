import { connect } from 'node:net';
import { IngressError } from '../errors.js';
import { sleep } from '../time/sleep.js';

function bannerOnce(address: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('data', (chunk: Buffer) => done(chunk.toString('latin1').startsWith('SSH-')));
    socket.once('error', () => done(false));
  });
}

/** Polls until sshd sends its banner (systemd boots, makes host keys, then starts ssh). */
export async function waitForSsh(address: string, port = 22, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await bannerOnce(address, port, 2_000)) return;
    await sleep(250);
  }
  throw new IngressError('E_LAB', `sshd on ${address}:${port} did not answer within ${timeoutMs} ms`);
}
