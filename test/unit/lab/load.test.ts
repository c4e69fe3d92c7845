import { describe, expect, it } from 'vitest';
import {
  ofFamily,
  parseLoadLines,
  recoveryMs,
  summarizeLoad,
  targetFamilies,
  type LoadSample,
} from '../../../src/lab/load.js';

const sample = (atMs: number, node: string, ok: boolean, error?: string, family: 4 | 6 = 4): LoadSample => ({
  atMs,
  node,
  family,
  ok,
  durationMs: 10,
  ...(error === undefined ? {} : { error }),
});

describe('parseLoadLines', () => {
  it('reads one sample per line in time order and leaves out a torn last line', () => {
    const text = [
      JSON.stringify(sample(200, 'b', true)),
      JSON.stringify(sample(100, 'a', false, 'ECONNRESET')),
      '{"atMs":300,"node":"a"',
    ].join('\n');
    expect(parseLoadLines(text).map((s) => [s.atMs, s.node])).toEqual([
      [100, 'a'],
      [200, 'b'],
    ]);
  });

  it('returns nothing for an empty file', () => {
    expect(parseLoadLines('')).toEqual([]);
  });
});

describe('summarizeLoad', () => {
  it('counts requests started inside the window and groups failures by node and reason', () => {
    const samples = [
      sample(50, 'a', false, 'timeout'),
      sample(100, 'a', false, 'timeout'),
      sample(110, 'a', false, 'timeout'),
      sample(120, 'b', true),
      { ...sample(130, 'b', false), status: 503 },
      sample(200, 'a', false, 'timeout'),
    ];
    expect(summarizeLoad(samples, 100, 200)).toEqual({
      total: 4,
      failed: 3,
      failures: { a: { timeout: 2 }, b: { 'HTTP 503': 1 } },
    });
  });
});

describe('recoveryMs', () => {
  it('is 0 when nothing failed after the event', () => {
    expect(recoveryMs([sample(90, 'a', false), sample(110, 'a', true)], ['a'], 100, 1000)).toBe(0);
  });

  it('is the worst node: first success after its last failure, from the event', () => {
    const samples = [
      sample(110, 'a', false),
      sample(150, 'a', true),
      sample(160, 'b', false),
      sample(170, 'b', true),
      sample(180, 'b', false),
      sample(400, 'b', true),
      sample(500, 'a', true),
    ];
    expect(recoveryMs(samples, ['a', 'b'], 100, 1000)).toBe(300);
  });

  it('is null when a node has not succeeded since its last failure', () => {
    expect(recoveryMs([sample(110, 'a', true), sample(120, 'a', false)], ['a'], 100, 1000)).toBeNull();
  });
});

describe('address families', () => {
  it("tags each target with its address's family and refuses a name", () => {
    expect(
      targetFamilies([
        { node: 'a', address: '10.0.1.11' },
        { node: 'a', address: 'fd1e:240:1::11' },
      ]),
    ).toEqual([
      { node: 'a', address: '10.0.1.11', family: 4 },
      { node: 'a', address: 'fd1e:240:1::11', family: 6 },
    ]);
    expect(() => targetFamilies([{ node: 'b', address: 'app.example.org' }])).toThrow(
      /load target b: "app.example.org" is not an IP address/,
    );
  });

  it('keeps one family apart: a failure over IPv6 is not in the IPv4 recovery', () => {
    const samples = [
      sample(110, 'a', true, undefined, 4),
      sample(120, 'a', false, 'timeout', 6),
      sample(130, 'a', true, undefined, 4),
    ];
    expect(ofFamily(samples, 6).map((s) => s.atMs)).toEqual([120]);
    expect(recoveryMs(ofFamily(samples, 4), ['a'], 100, 1000)).toBe(0);
    expect(recoveryMs(ofFamily(samples, 6), ['a'], 100, 1000)).toBeNull();
  });
});
