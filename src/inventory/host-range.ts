/**
 * Host patterns as Ansible's inventory plugins read them: `web[01:03]`,
 * `db-[a:c]`, `node[1:9:2]`, with an optional `:PORT` suffix.
 */
export interface ExpandedHosts {
  names: string[];
  port?: number;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Colons inside [ranges] do not count: only they tell an IPv6 address from host:port. */
function splitPort(pattern: string): { host: string; port?: number } {
  const outside = pattern.replace(/\[[^\]]*\]/g, '');
  const colons = outside.split(':').length - 1;
  const match = /^(.*):(\d+)$/.exec(pattern);
  if (colons === 1 && match?.[1] && match[2]) return { host: match[1], port: Number(match[2]) };
  if (colons === 1) throw new Error(`invalid host pattern '${pattern}': only a port may follow ':'`);
  return { host: pattern };
}

function rangeValues(spec: string): string[] {
  const bounds = spec.split(':');
  if (bounds.length < 2 || bounds.length > 3)
    throw new Error(`host range must be begin:end or begin:end:step, got [${spec}]`);
  const beg = bounds[0] || '0';
  const end = bounds[1] ?? '';
  const step = Number(bounds[2] ?? '1');
  if (!end) throw new Error(`host range must specify an end value, got [${spec}]`);
  if (!Number.isInteger(step) || step < 1)
    throw new Error(`host range step must be a positive integer, got [${spec}]`);
  const iBeg = LETTERS.indexOf(beg);
  const iEnd = LETTERS.indexOf(end);
  if (beg.length === 1 && end.length === 1 && iBeg >= 0 && iEnd >= 0) {
    if (iBeg > iEnd) throw new Error(`host range must have begin <= end, got [${spec}]`);
    return [...LETTERS.slice(iBeg, iEnd + 1)].filter((_, i) => i % step === 0);
  }
  if (!/^\d+$/.test(beg) || !/^\d+$/.test(end))
    throw new Error(`host range must be numeric or alphabetic, got [${spec}]`);
  const padded = beg.length > 1 && beg.startsWith('0');
  if (padded && beg.length !== end.length) {
    throw new Error(`host range must specify equal-length begin and end formats, got [${spec}]`);
  }
  if (Number(beg) > Number(end)) throw new Error(`host range must have begin <= end, got [${spec}]`);
  const values: string[] = [];
  for (let i = Number(beg); i <= Number(end); i += step)
    values.push(padded ? String(i).padStart(beg.length, '0') : String(i));
  return values;
}

function expandRanges(name: string): string[] {
  const match = /^([^[]*)\[([^\]]*:[^\]]*)\](.*)$/.exec(name);
  if (!match) return [name];
  const [, head = '', spec = '', tail = ''] = match;
  return rangeValues(spec).flatMap((value) => expandRanges(`${head}${value}${tail}`));
}

/** Throws a plain Error with a readable message; callers wrap it with the file and line. */
export function expandHostPattern(pattern: string): ExpandedHosts {
  const trimmed = pattern.trim();
  if (!trimmed) throw new Error('empty host name');
  // [IPv6] or [IPv6]:port; a range has a single colon inside its brackets.
  const ipv6 = /^\[([0-9a-fA-F.]*:[0-9a-fA-F.]*:[0-9a-fA-F:.]*)\](?::(\d+))?$/.exec(trimmed);
  if (ipv6?.[1]) return { names: [ipv6[1]], ...(ipv6[2] ? { port: Number(ipv6[2]) } : {}) };
  const { host, port } = splitPort(trimmed);
  return { names: expandRanges(host), ...(port === undefined ? {} : { port }) };
}
