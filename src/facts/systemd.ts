import { IngressError } from '../errors.js';
import type { ExecResult } from '../transport/types.js';
import { shq } from './quote.js';
import type { Fact } from './types.js';

/** A unit as `systemctl show` reports it. */
export interface UnitState {
  /** loaded, not-found, masked, error... */
  loadState: string;
  /** active, inactive, failed, activating, deactivating, reloading. */
  activeState: string;
  subState: string;
  /** enabled, disabled, static, masked, indirect, generated, "" (none)... */
  unitFileState: string;
}

/** Parses KEY=VALUE lines; properties systemd did not print are empty. */
export function parseSystemctlShow(result: ExecResult): UnitState {
  const props = new Map<string, string>();
  for (const line of result.stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) props.set(line.slice(0, eq), line.slice(eq + 1).trim());
  }
  if (result.rc !== 0 || !props.has('LoadState')) {
    throw new IngressError('E_MODULE', `systemctl show failed: ${(result.stderr || result.stdout).trim()}`);
  }
  return {
    loadState: props.get('LoadState') ?? '',
    activeState: props.get('ActiveState') ?? '',
    subState: props.get('SubState') ?? '',
    unitFileState: props.get('UnitFileState') ?? '',
  };
}

export function unitFact(unit: string): Fact<UnitState> {
  return {
    name: 'systemd-unit',
    command: () => `systemctl show -p LoadState,ActiveState,SubState,UnitFileState -- ${shq(unit)}`,
    parse: parseSystemctlShow,
  };
}
