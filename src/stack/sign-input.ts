import { IngressError } from '../errors.js';
import type { NodeCertRequest } from './certs.js';

/** What `stack sign` reads on standard input: the nodes' CSRs, signed where the CA lives. */
export interface SignInput {
  requests: NodeCertRequest[];
  lifetimeDays?: number;
}

export function parseSignInput(text: string): SignInput {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    throw new IngressError('E_USAGE', 'stack sign: standard input is not JSON', { cause });
  }
  const input = doc as Partial<SignInput> | null;
  const ok =
    Array.isArray(input?.requests) &&
    input.requests.every(
      (r) => typeof r?.name === 'string' && typeof r.csrPem === 'string' && Array.isArray(r.sans),
    ) &&
    (input.lifetimeDays === undefined || typeof input.lifetimeDays === 'number');
  if (!ok)
    throw new IngressError(
      'E_USAGE',
      'stack sign: expected {"requests":[{name,csrPem,sans}],"lifetimeDays"?}',
    );
  return input as SignInput;
}
