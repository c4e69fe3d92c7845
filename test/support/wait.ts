import { vi } from 'vitest';

/**
 * Polls `probe` until it gives a value (undefined or false: not yet) and returns it; a probe
 * that throws is tried again, and on timeout its last error (or "waiting for WHAT") is thrown.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 20_000,
  intervalMs = 250,
): Promise<T> {
  return vi.waitFor(
    async () => {
      const value = await probe();
      if (value === undefined || value === false) throw new Error(`timed out waiting for ${what}`);
      return value;
    },
    { timeout: timeoutMs, interval: intervalMs },
  );
}
