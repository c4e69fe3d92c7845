import { describe, expect, it } from 'vitest';
import { contentFact, parseStat, statFact } from '../../../src/facts/stat.js';
import { IngressError } from '../../../src/errors.js';
import { fixture } from './fixture.js';

describe('stat fact', () => {
  it('reads a regular file with its sha256', () => {
    expect(parseStat(fixture('stat-file'))).toEqual({
      exists: true,
      type: 'file',
      mode: 0o640,
      owner: 'root',
      group: 'root',
      size: 6,
      // sha256 of "hello\n", as the host computed it
      checksum: '5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03',
    });
  });

  it('reads a directory, a link (not followed) and an absent path', () => {
    expect(parseStat(fixture('stat-directory'))).toMatchObject({
      exists: true,
      type: 'directory',
      mode: 0o755,
    });
    expect(parseStat(fixture('stat-link'))).toMatchObject({ type: 'link', linkTarget: '/srv/rec/hello.txt' });
    expect(parseStat(fixture('stat-absent'))).toEqual({ exists: false });
  });

  it('the recorded commands are the ones the fact builds today', () => {
    expect(statFact('/srv/rec/hello.txt', { checksum: true }).command()).toBe(fixture('stat-file').command);
    expect(statFact('/srv/rec/link', { follow: false }).command()).toBe(fixture('stat-link').command);
  });

  it('quotes hostile paths', () => {
    expect(statFact("/tmp/a'; rm -rf /").command()).toContain(`p='/tmp/a'"'"'; rm -rf /'`);
  });

  it('fails loudly when stat itself fails', () => {
    expect(() => parseStat({ stdout: '', stderr: 'stat: Permission denied', rc: 1 })).toThrow(IngressError);
  });

  it('content fact separates presence from text', () => {
    const fact = contentFact('/etc/x');
    expect(fact.parse({ stdout: 'present\na\nb\n', stderr: '', rc: 0 })).toEqual({
      exists: true,
      content: 'a\nb\n',
    });
    expect(fact.parse({ stdout: 'absent\n', stderr: '', rc: 0 })).toEqual({ exists: false, content: '' });
  });
});
