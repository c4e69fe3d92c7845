import { LocalTransport } from './local.js';
import type { ShellTransport } from './shell-transport.js';
import { SshTransport } from './ssh.js';
import type { ConnectionSpec, Transport } from './types.js';

/** Opens the transport a spec asks for: local, or SSH (connect + host key check). */
export async function createTransport(spec: ConnectionSpec): Promise<ShellTransport> {
  if (spec.connection === 'local') return new LocalTransport(spec.hostName);
  return SshTransport.connect(spec);
}

/**
 * One connection per host for the whole run. Concurrent `get`s for a host
 * share one connect; a failed connect is not cached, so a later task retries;
 * a connection that died is replaced on the next `get`.
 */
export class TransportPool {
  private readonly entries = new Map<string, Promise<ShellTransport>>();

  constructor(
    private readonly connect: (spec: ConnectionSpec) => Promise<ShellTransport> = createTransport,
  ) {}

  async get(spec: ConnectionSpec): Promise<Transport> {
    const key = poolKey(spec);
    const pending = this.entries.get(key);
    if (pending) {
      // A failed connect fails every caller that was waiting on it.
      const transport = await pending;
      if (transport.isAlive()) return transport;
      if (this.entries.get(key) === pending) this.entries.delete(key);
      return this.get(spec);
    }
    const connecting = this.connect(spec);
    this.entries.set(key, connecting);
    connecting.catch(() => {
      if (this.entries.get(key) === connecting) this.entries.delete(key);
    });
    return connecting;
  }

  async closeAll(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    const settled = await Promise.allSettled(all);
    await Promise.allSettled(
      settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value.close()] : [])),
    );
  }
}

function poolKey(spec: ConnectionSpec): string {
  return `${spec.hostName}\u0000${spec.connection}\u0000${spec.user}@${spec.address}:${spec.port}`;
}
