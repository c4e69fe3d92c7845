import { IngressError } from '../errors.js';
import { containsTemplate } from './fields.js';
import type { SerialSpec, TaskLocation } from './model.js';

/** A count above zero, or a whole percentage ("25%"), as a number or a text. */
export function validSerialEntry(value: unknown): value is number | string {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0;
  return typeof value === 'string' && /^\s*[1-9]\d*\s*%?\s*$/.test(value);
}

/**
 * `serial: "{{ batch }}"`: Ansible renders it once per play with the play's and the
 * extra vars (not host vars); the result may be one entry or a list of them.
 */
export function resolveSerial(
  spec: SerialSpec | undefined,
  render: (value: unknown) => unknown,
  location: TaskLocation,
): SerialSpec | undefined {
  if (!spec || !spec.some((v) => containsTemplate(v))) return spec;
  const out: SerialSpec = [];
  for (const entry of spec) {
    const value = containsTemplate(entry) ? render(entry) : entry;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (!validSerialEntry(item)) {
        throw new IngressError(
          'E_PLAYBOOK',
          `serial rendered to ${JSON.stringify(item)}, not a count or a percentage`,
          { location: { ...location, field: 'serial' } },
        );
      }
      if (typeof item === 'number') out.push(item);
      else out.push(item.includes('%') ? item.replace(/\s/g, '') : Number(item));
    }
  }
  return out;
}

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
