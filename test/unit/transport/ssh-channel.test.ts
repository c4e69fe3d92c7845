import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import ssh2, { type Connection, type ServerChannel } from 'ssh2';
import { afterEach, describe, expect, it } from 'vitest';
import { readableEd25519 } from '../../../src/lab/ssh-keys.js';
import { SshTransport } from '../../../src/transport/ssh.js';
import type { ConnectionSpec } from '../../../src/transport/types.js';
import { sleep } from '../../../src/time/sleep.js';

/**
 * An in-process sshd on loopback whose exec handler the test writes, to make
 * the orders of SSH messages that a loaded host produces now and then.
 */
type ExecHandler = (accept: () => ServerChannel, reject: () => void, command: string) => void;

const hostKey = readableEd25519().private;
const servers: ssh2.Server[] = [];
const transports: SshTransport[] = [];

afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.close()));
  for (const server of servers.splice(0)) server.close();
});

async function serve(onExec: ExecHandler): Promise<{ port: number; connections: Connection[] }> {
  const connections: Connection[] = [];
  const server = new ssh2.Server({ hostKeys: [hostKey] }, (conn) => {
    connections.push(conn);
    conn.on('authentication', (ctx) => ctx.accept());
    conn.on('error', () => undefined);
    conn.on('session', (acceptSession) => {
      acceptSession().on('exec', (accept, reject, info) => onExec(accept, reject, info.command));
    });
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, connections };
}

async function connect(port: number): Promise<SshTransport> {
  const spec: ConnectionSpec = {
    hostName: 'fake',
    connection: 'ssh',
    address: '127.0.0.1',
    port,
    user: 'root',
    password: 'x',
    connectTimeoutMs: 5_000,
    knownHostsFile: '/dev/null',
    acceptNewHostKeys: true,
  };
  const open = async (): Promise<ssh2.Client> => {
    const client = new ssh2.Client();
    client.connect({ host: spec.address, port, username: 'root', password: 'x', hostVerifier: () => true });
    await once(client, 'ready');
    return client;
  };
  const transport = await SshTransport.connect(spec, open);
  transports.push(transport);
  return transport;
}

describe('SshTransport channel handling', () => {
  it('keeps the exit status when it arrives in the same packet burst as the exec reply', async () => {
    const { port } = await serve((accept) => {
      const channel = accept();
      // Reply, output, status, EOF and close all at once, before the client's next turn.
      channel.write('fast\n');
      channel.exit(3);
      channel.end();
    });
    const transport = await connect(port);
    const results = await Promise.all(Array.from({ length: 40 }, () => transport.exec('x')));
    expect(results.every((r) => r.rc === 3 && r.stdout === 'fast\n')).toBe(true);
  });

  it('retries an exec that sshd refused on a live link, then runs it once', async () => {
    const commands: string[] = [];
    let refusals = 2;
    const { port } = await serve((accept, reject, command) => {
      commands.push(command);
      if (refusals-- > 0) return reject();
      const channel = accept();
      channel.exit(0);
      channel.end();
    });
    const transport = await connect(port);
    expect((await transport.exec('echo hi')).rc).toBe(0);
    expect(commands).toHaveLength(3);
    expect(transport.reconnects).toBe(0);
  });

  it('a channel closed without a status on a live link fails the command, not the host', async () => {
    const { port } = await serve((accept) => accept().close());
    const transport = await connect(port);
    await expect(transport.exec('x')).rejects.toMatchObject({
      code: 'E_MODULE',
      message: expect.stringMatching(/ended without an exit status/),
    });
    expect(transport.reconnects).toBe(0);
  });

  it('a link dropped mid-command is unreachable, and the next command reconnects', async () => {
    let ran = 0;
    const { port, connections } = await serve((accept, _reject, command) => {
      ran += 1;
      const channel = accept();
      if (command.includes('slow')) return;
      channel.exit(0);
      channel.end();
    });
    const transport = await connect(port);
    const slow = transport.exec('slow');
    await sleep(100);
    connections[0]?.end();
    await expect(slow).rejects.toMatchObject({
      code: 'E_UNREACHABLE',
      message: expect.stringMatching(/connection lost while running a command/),
    });
    expect(ran).toBe(1);
    expect((await transport.exec('quick')).rc).toBe(0);
    expect(transport.reconnects).toBe(1);
  });
});
