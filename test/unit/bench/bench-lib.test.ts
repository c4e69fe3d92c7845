import { describe, expect, it } from 'vitest';
import { measure } from '../../../bench/failover.js';
import { cpuWindows, parseSamples } from '../../../bench/footprint.js';
import { parseBenchArgs, SECTIONS } from '../../../bench/lib/args.js';
import { renderMarkdown } from '../../../bench/lib/report.js';
import { figure, type BenchResults } from '../../../bench/lib/results.js';
import { median, percentile, ratio } from '../../../bench/lib/stats.js';
import { renderTimelineSvg } from '../../../bench/lib/svg.js';

describe('bench arguments', () => {
  it('runs every section three times by default', () => {
    expect(parseBenchArgs([])).toMatchObject({ sections: [...SECTIONS], runs: 2, footprintS: 60 });
  });

  it('takes sections comma-separated or repeated, and a run count', () => {
    const args = parseBenchArgs(['--only', 'provisioning,dns', '--only=hop', '--runs', '2']);
    expect(args).toMatchObject({ sections: ['provisioning', 'dns', 'hop'], runs: 2 });
  });

  it('refuses an unknown section or a bad count, naming it', () => {
    expect(() => parseBenchArgs(['--only', 'speed'])).toThrow(/unknown section "speed"/);
    expect(() => parseBenchArgs(['--runs', '0'])).toThrow(/--runs needs a whole number/);
  });
});

describe('bench statistics', () => {
  it('median of odd and even counts, ignoring runs that gave no number', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([Number.NaN, 5])).toBe(5);
    expect(median([])).toBeNaN();
  });

  it('nearest-rank percentiles and ratios', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(ratio(1, 4)).toBe(0.25);
    expect(ratio(1, 0)).toBeNull();
  });

  it('a figure carries its median, its baseline median and their ratio', () => {
    const f = figure({ section: 's', name: 'n', unit: 's', better: 'lower' }, [1, 2, 9], {
      name: 'b',
      values: [4, 8, 6],
    });
    expect(f).toMatchObject({ median: 2, baseline: { name: 'b', median: 6 } });
    expect(f.ratio).toBeCloseTo(1 / 3);
  });
});

describe('daemon footprint samples', () => {
  it('turns /proc ticks into CPU share per window', () => {
    const text = ['0 7 50000 100 50', '0 9 40000 0 0', '1 7 51000 110 50', '2 7 52000 120 50', 'hz 100'].join(
      '\n',
    );
    const { samples, hz } = parseSamples(text);
    expect(hz).toBe(100);
    expect(samples.filter((s) => s.pid === 7).map((s) => s.rssKb)).toEqual([50000, 51000, 52000]);
    // 20 ticks in 2 s at 100 Hz: 10 % of a core.
    expect(cpuWindows(samples, 7, hz, 2)).toEqual([10]);
  });
});

describe('bench report', () => {
  const results: BenchResults = {
    startedAt: '2026-12-02T04:00:00.000Z',
    durationS: 600,
    machine: { cpus: 2, cpuModel: 'Test CPU', memoryGb: 24, kernel: '6.1', node: 'v20.0.0', note: 'shared.' },
    runs: 3,
    sections: ['provisioning'],
    figures: [
      figure({ section: 'provisioning', name: 'no-op, 1 host', unit: 's', better: 'lower' }, [1, 1.2, 1.1], {
        name: 'ansible-playbook',
        values: [6, 7, 8],
      }),
    ],
    skipped: [{ section: 'hop', why: 'missing a running Docker engine' }],
    timeline: [
      {
        name: 'ours',
        points: [{ tMs: 0, node: 'ingress-1', ok: false }],
        events: [{ tMs: 0, label: 'cut <1>' }],
      },
    ],
  };

  it('writes one table row per figure with the machine, the ratio and what was skipped', () => {
    const md = renderMarkdown(results);
    expect(md).toContain('on 2 × Test CPU, 24 GB');
    expect(md).toContain(
      '| no-op, 1 host | 1.10 s | ansible-playbook: 7.00 s | 0.16x | lower is better | 3 |  |',
    );
    expect(md).toContain('**hop skipped**: missing a running Docker engine');
  });

  it('draws a failed request red and escapes event labels', () => {
    const svg = renderTimelineSvg(results.timeline, 'title');
    expect(svg).toContain('fill="#d62828"');
    expect(svg).toContain('cut &lt;1&gt;');
    expect(svg).not.toContain('cut <1>');
  });
});

describe('failover step measure', () => {
  const sample = (node: string, atMs: number, durationMs: number, ok: boolean, error?: string) => ({
    node,
    family: 4 as const,
    atMs,
    durationMs,
    ok,
    ...(error ? { error } : {}),
  });

  it('counts a request in the step it ended in, and recovery at the first success after the last failure', () => {
    const samples = [
      sample('ingress-1', 900, 50, true),
      // Started before the event, ended after it: the event's failure.
      sample('ingress-1', 950, 300, false, 'ECONNRESET'),
      sample('ingress-2', 1100, 50, true),
      sample('ingress-1', 1300, 50, false, 'timeout'),
      sample('ingress-1', 1500, 100, true),
      sample('ingress-2', 1600, 50, true),
    ];
    const m = measure(samples, 1000, 2000);
    expect(m).toMatchObject({ failed: 2, total: 5, recoveryMs: 600 });
    expect(m.reasons).toEqual({ 'ingress-1': { ECONNRESET: 1, timeout: 1 } });
  });

  it('is not recovered while a node has no success after its last failure', () => {
    expect(measure([sample('ingress-2', 1200, 10, false, 'timeout')], 1000, 2000).recoveryMs).toBeNull();
  });
});
