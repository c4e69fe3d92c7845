import { Client, type ServerHostKeyAlgorithm } from 'ssh2';
import { IngressError } from '../errors.js';
import { loadHostKeyPolicy } from './host-key-policy.js';
import { authMethods } from './ssh-auth.js';
import type { ConnectionSpec } from './types.js';

/**
 * A keepalive every 10 s, and the link given up only after a minute without
 * any answer: on a loaded machine sshd may be slow, which is not a lost host.
 */
const KEEPALIVE_MS = 10_000;
const KEEPALIVE_COUNT_MAX = 6;

export function unreachable(spec: ConnectionSpec, why: string, cause?: unknown): IngressError {
  return new IngressError(
    'E_UNREACHABLE',
    `host unreachable: ${spec.hostName} (${spec.user}@${spec.address}:${spec.port}): ${why}`,
    { cause },
  );
}

function describe(err: Error & { level?: string; code?: string }): string {
  if (err.level === 'client-authentication') return 'authentication failed (all methods were refused)';
  if (err.level === 'client-timeout') return 'timed out during the SSH handshake';
  if (err.code === 'ECONNREFUSED') return 'connection refused (is sshd running?)';
  if (err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH') return `no route to host (${err.code})`;
  return err.message;
}

type HostKeyPolicy = Awaited<ReturnType<typeof loadHostKeyPolicy>>;

/** ssh2's host key check, keeping the policy's error so the user sees why the key was refused. */
function verifierFor(policy: HostKeyPolicy, keep: (err: IngressError | undefined) => void) {
  return (key: Buffer, verify: (valid: boolean) => void): void => {
    policy.verify(key).then(
      (err) => {
        keep(err);
        verify(err === undefined);
      },
      (err: unknown) => {
        keep(err instanceof IngressError ? err : new IngressError('E_HOSTKEY', String(err)));
        verify(false);
      },
    );
  };
}

/** Connects, authenticates and verifies the host key; E_UNREACHABLE or E_HOSTKEY on failure. */
export async function openSshClient(spec: ConnectionSpec): Promise<Client> {
  const policy = await loadHostKeyPolicy(spec);
  const auth = await authMethods(spec);
  return new Promise((resolve, reject) => {
    const client = new Client();
    let hostKeyError: IngressError | undefined;
    let settled = false;
    const fail = (err: IngressError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.destroy();
      reject(err);
    };
    // ssh2's readyTimeout does not cover every stall (e.g. a silent TCP peer), so keep our own.
    const timer = setTimeout(
      () => fail(unreachable(spec, `no SSH answer within ${spec.connectTimeoutMs} ms`)),
      spec.connectTimeoutMs,
    );
    client.once('ready', () => {
      settled = true;
      clearTimeout(timer);
      resolve(client);
    });
    client.on('error', (err) => fail(hostKeyError ?? unreachable(spec, describe(err), err)));
    client.on('close', () =>
      fail(hostKeyError ?? unreachable(spec, 'connection closed during the handshake')),
    );
    client.connect({
      host: spec.address,
      port: spec.port,
      username: spec.user,
      authHandler: auth,
      readyTimeout: spec.connectTimeoutMs,
      keepaliveInterval: KEEPALIVE_MS,
      keepaliveCountMax: KEEPALIVE_COUNT_MAX,
      algorithms: { serverHostKey: policy.algorithms as ServerHostKeyAlgorithm[] },
      hostVerifier: verifierFor(policy, (err) => (hostKeyError = err)),
    });
    // The handshake and each exec are a few small packets each way; with Nagle's algorithm on, a
    // packet waits for the peer's delayed ACK (40 ms on Linux): most of a no-op task's time.
    client.setNoDelay(true);
  });
}
