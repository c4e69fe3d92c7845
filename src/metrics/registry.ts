// The classes' own files, not the package index (see prom-client-lib.d.ts): ~0.6 MB less RSS.
import Counter from 'prom-client/lib/counter.js';
import Gauge from 'prom-client/lib/gauge.js';
import Registry from 'prom-client/lib/registry.js';

/** The daemon's Prometheus series, without the prefix. */
export type MetricName =
  | 'path_up'
  | 'rtt_seconds'
  | 'loss_ratio'
  | 'state_changes_total'
  | 'failovers_total'
  | 'dns_updates_total'
  | 'firewall_set_size'
  | 'firewall_updates_total'
  | 'dns_answers_rejected_total'
  | 'cert_expiry_seconds'
  | 'window_loss_ratio'
  | 'rtt_mean_seconds'
  | 'rtt_jitter_seconds'
  | 'path_cost_seconds'
  | 'path_weight'
  | 'weight_changes_total';

/** One change to a series, as the daemon's reducer emits it. */
export interface MetricSample {
  name: MetricName;
  op: 'set' | 'inc';
  value: number;
  labels: Record<string, string>;
}

interface Definition {
  type: 'gauge' | 'counter';
  help: string;
  labels: string[];
}

const DEFINITIONS: Record<MetricName, Definition> = {
  path_up: {
    type: 'gauge',
    help: '1 when the path passes its probes (after rise/fall), else 0',
    labels: ['path'],
  },
  rtt_seconds: { type: 'gauge', help: 'Moving average of the probe round-trip time', labels: ['path'] },
  loss_ratio: { type: 'gauge', help: 'Share of failed probes over the recent window', labels: ['path'] },
  state_changes_total: { type: 'counter', help: 'Path state changes', labels: ['path', 'to'] },
  failovers_total: { type: 'counter', help: 'Switches to the mesh backup and back', labels: ['to'] },
  dns_updates_total: { type: 'counter', help: 'RFC 2136 updates sent, by result', labels: ['result'] },
  firewall_set_size: { type: 'gauge', help: 'Addresses in the ingress allow-sets', labels: [] },
  firewall_updates_total: { type: 'counter', help: 'Allow-set replacements, by result', labels: ['result'] },
  dns_answers_rejected_total: {
    type: 'counter',
    help: 'DNS answers for ingress names refused or addresses dropped before the allow-set, by reason',
    labels: ['name', 'reason'],
  },
  window_loss_ratio: {
    type: 'gauge',
    help: 'Share of failed probes over the steering window',
    labels: ['path'],
  },
  rtt_mean_seconds: { type: 'gauge', help: 'Mean probe RTT over the steering window', labels: ['path'] },
  rtt_jitter_seconds: {
    type: 'gauge',
    help: 'Mean difference between consecutive probe RTTs over the steering window',
    labels: ['path'],
  },
  path_cost_seconds: {
    type: 'gauge',
    help: 'Steering cost of the path: mean RTT + jitter weight x jitter + loss x loss penalty',
    labels: ['path'],
  },
  path_weight: {
    type: 'gauge',
    help: 'HAProxy weight steering gives the WAN path (100 = full)',
    labels: ['path'],
  },
  weight_changes_total: {
    type: 'counter',
    help: 'Weight changes made by quality steering, by direction',
    labels: ['path', 'direction'],
  },
  cert_expiry_seconds: {
    type: 'gauge',
    help: 'Seconds until the watched certificate expires',
    labels: ['path'],
  },
};

export interface DaemonMetrics {
  readonly registry: Registry;
  /** Applies one metric effect from the reducer. */
  apply(effect: MetricSample): void;
  /** The Prometheus text exposition. */
  text(): Promise<string>;
}

/** A registry of its own (not prom-client's global one), so several daemons can live in one test process. */
export function createDaemonMetrics(prefix = 'ingress_'): DaemonMetrics {
  const registry = new Registry();
  const gauges = new Map<MetricName, Gauge>();
  const counters = new Map<MetricName, Counter>();
  for (const [name, def] of Object.entries(DEFINITIONS) as [MetricName, Definition][]) {
    const config = {
      name: `${prefix}${name}`,
      help: def.help,
      labelNames: def.labels,
      registers: [registry],
    };
    if (def.type === 'gauge') gauges.set(name, new Gauge(config));
    else counters.set(name, new Counter(config));
  }
  return {
    registry,
    apply(effect) {
      const gauge = gauges.get(effect.name);
      const counter = counters.get(effect.name);
      // A counter only counts up; a gauge takes the value as given.
      if (counter) counter.inc(effect.labels, effect.op === 'inc' ? effect.value : 0);
      else gauge?.[effect.op === 'inc' ? 'inc' : 'set'](effect.labels, effect.value);
    },
    text: () => registry.metrics(),
  };
}
