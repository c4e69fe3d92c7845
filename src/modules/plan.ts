/** What a module would change; no changes means ok, and `reason` says why. */
export interface Plan<C> {
  changes: C[];
  reason: string;
}

export function planOf<C>(changes: C[], unchanged: string, changed: string): Plan<C> {
  return { changes, reason: changes.length === 0 ? unchanged : changed };
}
