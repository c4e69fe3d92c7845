import type { DaemonConfig } from './config.js';
import { runEffect } from './interpreter.js';
import type { DaemonPorts } from './interpreter.js';
import { initialState, step } from './reducer.js';
import type { DaemonEvent, DaemonState } from './types.js';

export interface DaemonRunnerOptions {
  config: DaemonConfig;
  ports: DaemonPorts;
  now: () => number;
  seed?: number;
}

export interface DaemonRunner {
  /** Queues an event; events are reduced one at a time, in order. */
  submit(event: DaemonEvent): void;
  state(): DaemonState;
  /** Resolves once no effect is running and no event is queued (tests, shutdown). */
  idle(): Promise<void>;
  /**
   * Shutdown: events are dropped from now on, so no new effect starts (no DNS update or
   * firewall change on the way out); effects already running finish on their own.
   */
  stop(): void;
}

/**
 * The impure shell around the reducer: reduce an event, start its effects, feed what they learn
 * back in as events. Effects run concurrently (probes must not wait on each other); the reducer's
 * acknowledgements, not effect order, sequence anything that must happen one after the other.
 */
export function createDaemonRunner(options: DaemonRunnerOptions): DaemonRunner {
  const { config, ports, now } = options;
  let state = initialState(config, options.seed);
  const queue: DaemonEvent[] = [];
  const running = new Set<Promise<void>>();
  let draining = false;
  let stopped = false;

  const start = (promise: Promise<DaemonEvent[]>): void => {
    const tracked = promise.then((events) => events.forEach(submit)).finally(() => running.delete(tracked));
    running.add(tracked);
  };

  function drain(): void {
    if (draining) return;
    draining = true;
    for (let event = queue.shift(); event !== undefined && !stopped; event = queue.shift()) {
      const result = step(state, event, now());
      state = result.state;
      for (const effect of result.effects) start(runEffect(effect, ports, config));
    }
    draining = false;
  }

  function submit(event: DaemonEvent): void {
    if (stopped) return;
    queue.push(event);
    drain();
  }

  return {
    submit,
    state: () => state,
    idle: async () => {
      while (running.size > 0) await Promise.all([...running]);
    },
    stop: () => {
      stopped = true;
      queue.length = 0;
    },
  };
}
