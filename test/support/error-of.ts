import { IngressError } from '../../src/errors.js';

/** The IngressError `run` throws; any other error is rethrown, and no error at all fails. */
export function errorOf(run: () => unknown): IngressError {
  try {
    run();
  } catch (err) {
    if (err instanceof IngressError) return err;
    throw err;
  }
  throw new Error('expected an IngressError');
}

/** The IngressError `run` rejects with, as errorOf. */
export async function rejectionOf(run: () => Promise<unknown>): Promise<IngressError> {
  try {
    await run();
  } catch (err) {
    if (err instanceof IngressError) return err;
    throw err;
  }
  throw new Error('expected an IngressError');
}
