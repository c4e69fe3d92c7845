import type { SerialSpec } from './model.js';

function batchSize(value: number | string, total: number): number {
  if (typeof value === 'number') return Math.max(1, Math.floor(value));
  if (value.endsWith('%')) return Math.max(1, Math.floor((Number(value.slice(0, -1)) * total) / 100));
  return Math.max(1, Number(value));
}

/**
 * Splits a play's hosts into rolling batches as Ansible's `serial` does: each
 * list entry sizes the next batch, the last one repeats; percentages are of all hosts.
 */
export function planBatches(hosts: readonly string[], serial: SerialSpec | undefined): string[][] {
  if (!serial || serial.length === 0 || hosts.length === 0) return hosts.length ? [[...hosts]] : [];
  const batches: string[][] = [];
  let start = 0;
  let index = 0;
  while (start < hosts.length) {
    const spec = serial[Math.min(index, serial.length - 1)] as number | string;
    const size = batchSize(spec, hosts.length);
    batches.push(hosts.slice(start, start + size));
    start += size;
    index += 1;
  }
  return batches;
}
