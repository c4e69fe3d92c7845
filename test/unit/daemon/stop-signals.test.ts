import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { stopOnSignal, type SignalSource, type StopSignal } from '../../../src/daemon/stop-signals.js';

/** A fake process: signals on demand, exits and timers recorded, nothing real touched. */
function harness(stop: () => Promise<void>) {
  const emitter = new EventEmitter();
  const signals: SignalSource = {
    on: (signal, listener) => emitter.on(signal, listener),
    off: (signal, listener) => emitter.off(signal, listener),
  };
  const exits: number[] = [];
  const warnings: string[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const handle = stopOnSignal({
    stop,
    signals,
    graceMs: 1500,
    exit: (code) => exits.push(code),
    setTimer: (fn, ms) => timers.push({ fn, ms }),
    warn: (message) => warnings.push(message),
  });
  const send = (signal: StopSignal): boolean => emitter.emit(signal);
  return { handle, send, exits, warnings, timers, emitter };
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('stopOnSignal', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('runs stop on %s, then exits 0', async (signal) => {
    let stopped = 0;
    const h = harness(async () => void stopped++);
    expect(h.exits).toEqual([]);
    h.send(signal);
    await flush();
    expect(stopped).toBe(1);
    expect(h.exits).toEqual([0]);
    expect(h.warnings).toEqual([]);
  });

  it('exits 0 after the grace period when stop hangs, once', async () => {
    const h = harness(() => new Promise<void>(() => undefined));
    h.send('SIGTERM');
    await flush();
    expect(h.exits).toEqual([]);
    expect(h.timers.map((t) => t.ms)).toEqual([1500]);
    h.timers[0]?.fn();
    expect(h.exits).toEqual([0]);
    expect(h.warnings).toEqual(['still stopping after 1500 ms; exiting']);
  });

  it('exits at once on a second signal while stopping', async () => {
    let stops = 0;
    const h = harness(() => {
      stops++;
      return new Promise<void>(() => undefined);
    });
    h.send('SIGTERM');
    h.send('SIGINT');
    await flush();
    expect(stops).toBe(1);
    expect(h.exits).toEqual([0]);
    h.timers[0]?.fn();
    expect(h.exits).toEqual([0]);
  });

  it('exits 1 and says why when stop fails', async () => {
    const h = harness(() => Promise.reject(new Error('socket busy')));
    h.send('SIGTERM');
    await flush();
    expect(h.exits).toEqual([1]);
    expect(h.warnings).toEqual(['error while stopping: socket busy']);
  });

  it('stops listening once disposed', () => {
    const h = harness(async () => undefined);
    expect(h.emitter.listenerCount('SIGTERM')).toBe(1);
    h.handle.dispose();
    expect(h.emitter.listenerCount('SIGTERM')).toBe(0);
    expect(h.emitter.listenerCount('SIGINT')).toBe(0);
    expect(h.send('SIGTERM')).toBe(false);
    expect(h.exits).toEqual([]);
  });
});
