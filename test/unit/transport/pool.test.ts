import { describe, expect, it } from 'vitest';
import { IngressError } from '../../../src/errors.js';
import { LocalTransport } from '../../../src/transport/local.js';
import { TransportPool } from '../../../src/transport/pool.js';
import type { ConnectionSpec } from '../../../src/transport/types.js';
import { sleep } from '../../../src/time/sleep.js';

const spec = (hostName: string): ConnectionSpec => ({
  hostName,
  connection: 'ssh',
  address: `${hostName}.test`,
  port: 22,
  user: 'root',
  connectTimeoutMs: 1_000,
  knownHostsFile: '/dev/null',
  acceptNewHostKeys: false,
});

/** Counts connects; each one resolves after a tick so concurrent gets overlap. */
function countingConnect(fail = false) {
  const made: LocalTransport[] = [];
  const connect = async (s: ConnectionSpec) => {
    await sleep(20);
    if (fail) throw new IngressError('E_UNREACHABLE', `host unreachable: ${s.hostName}`);
    const transport = new LocalTransport(s.hostName);
    made.push(transport);
    return transport;
  };
  return { made, connect };
}

describe('TransportPool', () => {
  it('shares one connect between concurrent gets and reuses it afterwards', async () => {
    const { made, connect } = countingConnect();
    const pool = new TransportPool(connect);
    const [a, b] = await Promise.all([pool.get(spec('web1')), pool.get(spec('web1'))]);
    const c = await pool.get(spec('web1'));
    const other = await pool.get(spec('web2'));
    expect(a).toBe(b);
    expect(c).toBe(a);
    expect(other).not.toBe(a);
    expect(made).toHaveLength(2);
    await pool.closeAll();
  });

  it('fails every waiting caller with the connect error, and retries on a later get', async () => {
    const failing = countingConnect(true);
    const pool = new TransportPool(failing.connect);
    const results = await Promise.allSettled([pool.get(spec('web1')), pool.get(spec('web1'))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await expect(pool.get(spec('web1'))).rejects.toMatchObject({ code: 'E_UNREACHABLE' });
  });

  it('replaces a connection that died, and closeAll closes every connection', async () => {
    const { made, connect } = countingConnect();
    const pool = new TransportPool(connect);
    const first = await pool.get(spec('web1'));
    await first.close();
    const second = await pool.get(spec('web1'));
    expect(second).not.toBe(first);
    await pool.closeAll();
    expect(made.map((t) => t.isAlive())).toEqual([false, false]);
  });
});
