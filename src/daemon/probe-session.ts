import { connect, type TLSSocket } from 'node:tls';
import { judgeHealthResponse, type ProbeResult, type ProbeTarget } from './probe.js';

/**
 * A path's probe connection, kept open between probes: a health request on a verified mTLS
 * connection proves the path as well as a new handshake does, without a handshake's CPU (most of
 * an idle daemon's) every interval. The connection is replaced after `maxAgeMs`, so a renewed or
 * revoked certificate on either side shows within that time, and after any failure.
 */
export interface ProbeSession {
  probe(): Promise<ProbeResult>;
  close(): void;
}

/** How long one connection serves probes before a fresh handshake. */
export const PROBE_CONNECTION_MAX_AGE_MS = 30_000;

interface Answer {
  /** Status line, or null if the connection ended first. */
  head: string | null;
  /** The server may take further requests on this connection. */
  reusable: boolean;
}

/** Reads one HTTP/1.1 answer with a Content-Length body; anything else ends the connection's reuse. */
export function parseAnswer(buffer: string): { answer: Answer; rest: string } | null {
  const end = buffer.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const headers = buffer.slice(0, end);
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(headers);
  const close = /\r\nconnection:\s*close/i.test(headers);
  if (!length) return { answer: { head: headers, reusable: false }, rest: '' };
  const bodyEnd = end + 4 + Number(length[1]);
  if (buffer.length < bodyEnd) return null;
  return { answer: { head: headers, reusable: !close }, rest: buffer.slice(bodyEnd) };
}

function openTls(target: ProbeTarget, timeoutMs: number): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: target.address,
      port: target.port,
      servername: target.serverName,
      secureContext: target.secureContext,
      minVersion: 'TLSv1.3',
      rejectUnauthorized: true,
    });
    const fail = (err: Error): void => {
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error(`timeout after ${target.timeoutMs} ms`)));
    socket.once('error', fail);
    socket.once('secureConnect', () => {
      socket.off('error', fail);
      socket.setTimeout(0);
      resolve(socket);
    });
  });
}

/** Sends the health request and waits for its answer, within `timeoutMs`. */
function ask(socket: TLSSocket, target: ProbeTarget, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const done = (finish: () => void): void => {
      clearTimeout(timer);
      socket.off('data', onData).off('end', onEnd).off('close', onEnd).off('error', onError);
      finish();
    };
    const onData = (chunk: Buffer): void => {
      buffer += chunk.toString('latin1');
      const parsed = parseAnswer(buffer);
      if (parsed) done(() => resolve(parsed.answer));
    };
    const onEnd = (): void => done(() => resolve({ head: null, reusable: false }));
    const onError = (err: Error): void => done(() => reject(err));
    const timer = setTimeout(
      () => done(() => reject(new Error(`timeout after ${target.timeoutMs} ms`))),
      timeoutMs,
    );
    socket.on('data', onData).on('end', onEnd).on('close', onEnd).on('error', onError);
    socket.write(`GET ${target.healthPath} HTTP/1.1\r\nHost: ${target.serverName}\r\n\r\n`);
  });
}

export function createProbeSession(
  target: ProbeTarget,
  now: () => number,
  maxAgeMs = PROBE_CONNECTION_MAX_AGE_MS,
): ProbeSession {
  let socket: TLSSocket | null = null;
  let openedAtMs = 0;
  let busy = false;
  const drop = (): void => {
    socket?.destroy();
    socket = null;
  };

  async function attempt(deadlineMs: number, reused: boolean): Promise<ProbeResult> {
    const startedMs = now();
    if (!reused) {
      socket = await openTls(target, Math.max(1, deadlineMs - now()));
      socket.on('error', () => undefined);
      openedAtMs = now();
    }
    const sent = now();
    const answer = await ask(socket as TLSSocket, target, Math.max(1, deadlineMs - sent));
    if (answer.head === null) {
      drop();
      // A kept connection the server had closed meanwhile: that says nothing about the path.
      if (reused) return attempt(deadlineMs, false);
      return { ok: false, reason: 'connection closed before an answer' };
    }
    if (!answer.reusable) drop();
    const verdict = judgeHealthResponse(answer.head);
    // On a new connection the RTT includes connect and handshake: a lossy link shows there
    // (a lost SYN costs a second) long before a request on a kept connection fails.
    return verdict.ok ? { ok: true, rttMs: now() - (reused ? sent : startedMs) } : verdict;
  }

  return {
    async probe() {
      // Probes of one path do not overlap in practice; if one does, it must not share the socket.
      if (busy) {
        const once = createProbeSession(target, now, 0);
        return once.probe().finally(once.close);
      }
      busy = true;
      try {
        if (socket && (socket.destroyed || now() - openedAtMs >= maxAgeMs)) drop();
        const result = await attempt(now() + target.timeoutMs, socket !== null);
        if (maxAgeMs === 0) drop();
        return result;
      } catch (err) {
        drop();
        return { ok: false, reason: err instanceof Error ? err.message : String(err) };
      } finally {
        busy = false;
      }
    },
    close: drop,
  };
}
