import { describe, expect, it } from 'vitest';
import {
  banner,
  diffText,
  hostLine,
  painter,
  recapLine,
  useColour,
} from '../../../src/runner/output-format.js';
import { createTextSink } from '../../../src/runner/output-text.js';

const plain = painter(false);

describe('output format', () => {
  it('banners fill 80 columns with at least three stars', () => {
    expect(banner('TASK [x]')).toHaveLength(80);
    expect(banner(`TASK [${'n'.repeat(90)}]`).endsWith(' ***')).toBe(true);
  });

  it('colours only on a TTY and never with NO_COLOR', () => {
    expect(useColour({ isTTY: true }, {})).toBe(true);
    expect(useColour({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(useColour({ isTTY: false }, {})).toBe(false);
    expect(painter(true)('green', 'ok')).toBe('\u001b[32mok\u001b[0m');
  });

  it('formats host lines as Ansible does', () => {
    const line = (status: 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable', extra = {}) =>
      hostLine({ host: 'h', status, result: { msg: 'why' }, ...extra }, plain);
    expect(line('ok')).toBe('ok: [h]');
    expect(line('changed', { item: 'x' })).toBe('changed: [h] => (item=x)');
    expect(line('failed')).toBe('failed: [h] => why');
    expect(line('failed', { ignored: true })).toBe('failed: [h] => why\n...ignoring');
    expect(line('skipped')).toBe('skipping: [h]');
    expect(line('unreachable')).toBe('fatal: [h]: UNREACHABLE! => why');
    expect(line('failed', { censored: true })).toContain("'no_log: true' was specified");
    expect(line('failed', { censored: true })).not.toContain('why');
  });

  it('prints unified diffs of FileDiff', () => {
    const text = diffText([{ path: '/etc/motd', before: 'a\nb\n', after: 'a\nc\n' }], plain);
    expect(text.split('\n')).toEqual(['--- /etc/motd', '+++ /etc/motd', '@@ -1,2 +1,2 @@', ' a', '-b', '+c']);
  });

  it('recap lines pad like Ansible', () => {
    const stats = { ok: 12, changed: 3, unreachable: 0, failed: 1, skipped: 0, rescued: 0, ignored: 0 };
    expect(recapLine('node-1', stats, plain)).toBe(
      'node-1                     : ok=12   changed=3    unreachable=0    failed=1    skipped=0    rescued=0    ignored=0',
    );
  });

  it('the text sink prints diffs only with --diff', () => {
    const event = {
      host: 'h',
      status: 'changed' as const,
      result: { changed: true },
      diff: [{ path: '/f', before: '', after: 'x\n' }],
    };
    const withDiff: string[] = [];
    createTextSink({ write: (t) => void withDiff.push(t), colour: false, diff: true }).hostResult(event);
    expect(withDiff.join('')).toContain('+x');
    const without: string[] = [];
    createTextSink({ write: (t) => void without.push(t), colour: false, diff: false }).hostResult(event);
    expect(without.join('')).toBe('changed: [h]\n');
  });
});
