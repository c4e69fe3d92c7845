import { describe, expect, it } from 'vitest';
import { createDaemonMetrics } from '../../../src/metrics/registry.js';
import { metric } from '../../../src/daemon/types.js';

describe('daemon metrics', () => {
  it('exposes gauges and counters fed by metric effects', async () => {
    const metrics = createDaemonMetrics();
    metrics.apply(metric('path_up', 1, { path: 'wan1' }));
    metrics.apply(metric('path_up', 0, { path: 'wan1' }));
    metrics.apply(metric('rtt_seconds', 0.012, { path: 'wan1' }));
    metrics.apply(metric('dns_updates_total', 1, { result: 'ok' }, 'inc'));
    metrics.apply(metric('dns_updates_total', 1, { result: 'ok' }, 'inc'));
    metrics.apply(metric('firewall_set_size', 3));
    const text = await metrics.text();
    expect(text).toContain('ingress_path_up{path="wan1"} 0');
    expect(text).toContain('ingress_rtt_seconds{path="wan1"} 0.012');
    expect(text).toContain('ingress_dns_updates_total{result="ok"} 2');
    expect(text).toContain('ingress_firewall_set_size 3');
    expect(text).toContain('# TYPE ingress_failovers_total counter');
  });

  it('keeps separate registries apart', async () => {
    const a = createDaemonMetrics();
    const b = createDaemonMetrics();
    a.apply(metric('failovers_total', 1, { to: 'mesh' }, 'inc'));
    expect(await b.text()).not.toContain('ingress_failovers_total{to="mesh"}');
  });
});
