/** Pure crontab editing with Ansible's `#Ansible: NAME` marker line above each managed job. */

export interface CronSpec {
  name: string;
  state: 'present' | 'absent';
  job?: string;
  minute: string;
  hour: string;
  day: string;
  month: string;
  weekday: string;
  specialTime?: string;
  disabled: boolean;
  /** In a /etc/cron.d file the user is a column of the line. */
  user?: string;
}

export function cronLine(spec: CronSpec): string {
  const when = spec.specialTime
    ? `@${spec.specialTime}`
    : [spec.minute, spec.hour, spec.day, spec.month, spec.weekday].join(' ');
  const user = spec.user !== undefined ? ` ${spec.user}` : '';
  return `${spec.disabled ? '#' : ''}${when}${user} ${spec.job ?? ''}`;
}

function split(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The crontab with the named job set or removed; the same text back means nothing to do. */
export function editCrontab(text: string, spec: CronSpec): string {
  const lines = split(text);
  const marker = `#Ansible: ${spec.name}`;
  const at = lines.indexOf(marker);
  const wanted = spec.state === 'present' ? [marker, cronLine(spec)] : [];
  let out: string[];
  if (at >= 0) {
    const current = lines.slice(at, at + 2);
    if (current.length === wanted.length && current.every((l, i) => l === wanted[i])) return text;
    out = [...lines.slice(0, at), ...wanted, ...lines.slice(at + 2)];
  } else {
    if (wanted.length === 0) return text;
    out = [...lines, ...wanted];
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}
