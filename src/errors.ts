/** Where bad input was found, so a message can name file, line and field. */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
  field?: string;
}

export type ErrorCode =
  | 'E_USAGE'
  | 'E_CONFIG'
  | 'E_INVENTORY'
  | 'E_PLAYBOOK'
  | 'E_PLAYBOOK_MISSING'
  | 'E_TEMPLATE'
  | 'E_VALIDATION'
  | 'E_UNREACHABLE'
  | 'E_HOSTKEY'
  | 'E_MODULE'
  | 'E_HOSTS_FAILED'
  | 'E_PKI'
  | 'E_DNS'
  | 'E_FIREWALL'
  | 'E_HAPROXY'
  | 'E_LAB'
  | 'E_DOCKER'
  | 'E_INTERNAL';

export interface IngressErrorOptions {
  cause?: unknown;
  location?: SourceLocation;
}

/** Every error the project raises on purpose: a code for the CLI, a cause for debugging. */
export class IngressError extends Error {
  readonly code: ErrorCode;
  readonly location: SourceLocation | undefined;

  constructor(code: ErrorCode, message: string, options: IngressErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'IngressError';
    this.code = code;
    this.location = options.location;
  }
}

/** "file:line: field: message", the form editors and humans both follow. */
export function formatLocation(location: SourceLocation | undefined): string {
  if (!location) return '';
  const line = location.line === undefined ? '' : `:${location.line}`;
  const col = location.line !== undefined && location.column !== undefined ? `:${location.column}` : '';
  const field = location.field ? ` (${location.field})` : '';
  return `${location.file}${line}${col}${field}`;
}

function headline(err: unknown): string {
  if (err instanceof IngressError) {
    const where = formatLocation(err.location);
    return where ? `${where}: ${err.message}` : err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

/** What went wrong, then each cause that adds something ("caused by: ..."), innermost last. */
export function formatError(err: unknown): string {
  const lines = [headline(err)];
  let cause = err instanceof Error ? err.cause : undefined;
  for (let depth = 0; cause instanceof Error && depth < 5; depth += 1) {
    const text = headline(cause).split('\n')[0] ?? '';
    const { message } = cause;
    // A cause whose words the message already quotes adds nothing.
    if (text && !lines.some((line) => line.includes(message))) lines.push(`  caused by: ${text}`);
    cause = cause.cause;
  }
  return lines.join('\n');
}

const EXIT_CODES: Record<ErrorCode, number> = {
  E_USAGE: 64,
  E_CONFIG: 65,
  E_INVENTORY: 65,
  // ansible-playbook's codes: 4 for a playbook it cannot parse, 1 for a role or
  // task file it cannot find, so scripts written for it read ours the same way.
  E_PLAYBOOK: 4,
  E_PLAYBOOK_MISSING: 1,
  E_TEMPLATE: 65,
  E_VALIDATION: 65,
  E_HOSTS_FAILED: 2,
  E_UNREACHABLE: 4,
  E_HOSTKEY: 4,
  E_MODULE: 2,
  E_PKI: 70,
  E_DNS: 69,
  E_FIREWALL: 70,
  E_HAPROXY: 70,
  E_LAB: 70,
  E_DOCKER: 69,
  E_INTERNAL: 70,
};

export function exitCodeFor(err: unknown): number {
  return err instanceof IngressError ? EXIT_CODES[err.code] : 1;
}
