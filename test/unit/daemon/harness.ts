import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDaemonConfig } from '../../../src/daemon/config.js';
import type { DaemonConfig } from '../../../src/daemon/config.js';
import { initialState, step } from '../../../src/daemon/reducer.js';
import type { DaemonEvent, DaemonState, Effect, ObservedServer } from '../../../src/daemon/types.js';

export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../../fixtures/daemon/${name}`, import.meta.url));
}

export function loadConfig(name: string, patch: (c: DaemonConfig) => DaemonConfig = (c) => c): DaemonConfig {
  const file = fixturePath(name);
  return patch(parseDaemonConfig(readFileSync(file, 'utf8'), file));
}

export interface Emitted {
  atMs: number;
  effect: Effect;
}

/** Drives the reducer with a fake clock; keeps every effect with the time it was emitted. */
export class Scenario {
  state: DaemonState;
  nowMs = 0;
  readonly emitted: Emitted[] = [];

  constructor(config: DaemonConfig) {
    this.state = initialState(config);
  }

  at(nowMs: number, event: DaemonEvent): Effect[] {
    this.nowMs = nowMs;
    const result = step(this.state, event, nowMs);
    this.state = result.state;
    this.emitted.push(...result.effects.map((effect) => ({ atMs: nowMs, effect })));
    return result.effects;
  }

  /** One probe a second per outcome, starting after the current time. */
  probes(path: string, outcomes: string): Effect[] {
    const effects: Effect[] = [];
    for (const char of outcomes) {
      effects.push(
        ...this.at(this.nowMs + 1000, {
          type: 'probe',
          path,
          ok: char === '+',
          rttMs: 10,
          reason: 'timeout',
        }),
      );
    }
    return effects;
  }

  of<K extends Effect['kind']>(kind: K): Extract<Effect, { kind: K }>[] {
    return this.emitted
      .map((e) => e.effect)
      .filter((e): e is Extract<Effect, { kind: K }> => e.kind === kind);
  }
}

export function ofKind<K extends Effect['kind']>(effects: Effect[], kind: K): Extract<Effect, { kind: K }>[] {
  return effects.filter((e): e is Extract<Effect, { kind: K }> => e.kind === kind);
}

export function server(admin: ObservedServer['admin'], operational = true, weight = 256): ObservedServer {
  return { admin, operational, weight };
}

/** HAProxy reporting all three servers of the fixture as given. */
export function haproxyState(wan1: ObservedServer, wan2: ObservedServer, mesh: ObservedServer): DaemonEvent {
  return { type: 'haproxy-state', servers: { 'home/wan1': wan1, 'home/wan2': wan2, 'home/mesh': mesh } };
}

/** The DNS view of the service name: `addresses` in its A record, no AAAA. */
export function serviceRecords(addresses: string[], name = 'www.example.org'): DaemonEvent {
  return {
    type: 'dns-observed',
    ok: true,
    records: [
      { name, type: 'A', addresses, ttlS: 60 },
      { name, type: 'AAAA', addresses: [], ttlS: 60 },
    ],
  };
}

/** A peer answers: serving, holding `deadPeers` dead. */
export function peerReport(s: Scenario, peer: string, deadPeers: string[]): void {
  s.at(s.nowMs + 1, { type: 'peer-status', peer, ok: true, serving: true, deadPeers });
}

/** A peer times out `times` times in a row, a second apart. */
export function peerUnreachable(s: Scenario, peer: string, times = 3): void {
  for (let i = 0; i < times; i += 1)
    s.at(s.nowMs + 1000, { type: 'peer-status', peer, ok: false, reason: 'timeout' });
}
