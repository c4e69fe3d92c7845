import type { DaemonConfig } from './config.js';
import { nextProbeAtMs, probeDue } from './probe-pace.js';
import type { DaemonState, Effect, TimerState } from './types.js';

/** xorshift32: jitter stays a pure function of the state, so tests replay exactly. */
export function nextRandom(seed: number): number {
  let x = seed | 0 || 0x9e3779b9;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return x >>> 0;
}

type TimerName = keyof TimerState;

function dueEffects(config: DaemonConfig, name: TimerName): Effect[] {
  switch (name) {
    case 'probe':
      return config.paths.map((p) => ({
        kind: 'probe',
        path: p.name,
        address: p.address,
        port: p.port,
        timeoutMs: config.probe.timeoutMs,
      }));
    case 'haproxy':
      return config.paths.length > 0 ? [{ kind: 'readHaproxy' }] : [];
    case 'peers': {
      const watched = [...config.peers, ...(config.witness ? [config.witness] : [])];
      const polls: Effect[] = watched.map((p) => ({ kind: 'pollPeer', peer: p.name, url: p.statusUrl }));
      if (config.localProxyStatusUrl) polls.push({ kind: 'pollUpstream', url: config.localProxyStatusUrl });
      return polls;
    }
    case 'dnsRead': {
      const names = [...config.dns.names, ...(config.firewall?.publishedNames ?? [])];
      return [{ kind: 'dnsRead', names: [...new Set(names)], types: ['A', 'AAAA'] }];
    }
    case 'resolve': {
      const fw = config.firewall;
      if (!fw) return [];
      // Reading the kernel set each round catches drift (a flush by hand, a reboot) as well.
      return [
        { kind: 'dnsRead', names: fw.ingressNames, types: ['A', 'AAAA'] },
        { kind: 'firewallRead', table: fw.table, setV4: fw.setV4, setV6: fw.setV6 },
      ];
    }
    case 'certs':
      return config.certificates.map((c) => ({ kind: 'readCert', path: c.path }));
  }
}

function intervalOf(config: DaemonConfig, name: TimerName): number {
  switch (name) {
    case 'probe':
      return config.probe.intervalMs;
    case 'haproxy':
      return config.haproxyIntervalMs;
    case 'peers':
      return config.peerIntervalMs;
    case 'dnsRead':
      return config.dns.readIntervalMs;
    case 'resolve':
      // Rescheduled from the records' TTL when an answer arrives; this is the retry if none does.
      return (config.firewall?.maxTtlS ?? 300) * 1000;
    case 'certs':
      return config.certIntervalMs;
  }
}

/** Emits the requests whose timers are due and schedules the next ones; probes get jitter. */
export function fireTimers(state: DaemonState, nowMs: number): { state: DaemonState; effects: Effect[] } {
  const timers = { ...state.timers };
  const effects: Effect[] = [];
  let rng = state.rng;
  let pace = state.pace;
  for (const name of Object.keys(timers) as TimerName[]) {
    if (nowMs < timers[name]) continue;
    if (name !== 'probe') effects.push(...dueEffects(state.config, name));
    else if (probeDue(state, nowMs)) {
      effects.push(...dueEffects(state.config, name));
      pace = { ...pace, lastProbeAtMs: nowMs };
    }
    let jitter = 0;
    if (name === 'probe' && state.config.probe.jitterMs > 0) {
      rng = nextRandom(rng);
      jitter = rng % (state.config.probe.jitterMs + 1);
    }
    timers[name] =
      name === 'probe'
        ? nextProbeAtMs({ ...state, pace }, nowMs) + jitter
        : nowMs + intervalOf(state.config, name) + jitter;
  }
  return { state: { ...state, timers, rng, pace }, effects };
}

/** Next resolution follows the records' TTL, clamped so a tiny TTL cannot hammer and a huge one cannot stall. */
export function refreshDelayMs(ttlS: number, minTtlS: number, maxTtlS: number): number {
  return Math.min(maxTtlS, Math.max(minTtlS, ttlS)) * 1000;
}
