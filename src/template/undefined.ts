/**
 * Jinja2's Undefined, as Ansible uses it: looking up a missing name or
 * attribute yields this marker instead of failing at once, so `default`,
 * `is defined` and chained lookups (`a.b.c is defined`) work; using it in any
 * other way (output, arithmetic, iteration, a filter) raises its error.
 */
export class UndefinedVariableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UndefinedVariableError';
  }
}

export class TemplateUndefined {
  // Private, so the marker has no enumerable keys a loop could walk.
  readonly #message: string;

  constructor(message: string) {
    this.#message = message;
  }

  get message(): string {
    return this.#message;
  }

  fail(): never {
    throw new UndefinedVariableError(this.#message);
  }

  [Symbol.toPrimitive](): never {
    return this.fail();
  }

  toString(): never {
    return this.fail();
  }

  toJSON(): never {
    return this.fail();
  }
}

export function isUndefined(value: unknown): value is TemplateUndefined {
  return value instanceof TemplateUndefined;
}

export function undefinedName(name: string): TemplateUndefined {
  return new TemplateUndefined(`'${name}' is undefined`);
}

/** Throws the undefined error if any value is undefined; returns the values. */
export function assertDefined<T>(value: T): T {
  if (value instanceof TemplateUndefined) value.fail();
  return value;
}
