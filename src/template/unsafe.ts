/**
 * Data a managed host returned (registered results, facts, and values built
 * from them), as Ansible's "unsafe" marking: the templar hands the wrapped
 * value out as it is and never renders template syntax inside it, so a host
 * cannot make the controller run `lookup('file', …)` by printing `{{ … }}`.
 */
export class Unsafe {
  constructor(readonly value: unknown) {}

  /** Output and JSON reports show the data, not the wrapper. */
  toJSON(): unknown {
    return this.value;
  }
}

export function markUnsafe(value: unknown): Unsafe {
  return value instanceof Unsafe ? value : new Unsafe(value);
}

export function isUnsafe(value: unknown): value is Unsafe {
  return value instanceof Unsafe;
}

/** The plain data under every mark, for consumers outside the templar. */
export function stripUnsafe(value: unknown): unknown {
  if (value instanceof Unsafe) return stripUnsafe(value.value);
  if (Array.isArray(value)) return value.map(stripUnsafe);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stripUnsafe(v)]));
  }
  return value;
}
