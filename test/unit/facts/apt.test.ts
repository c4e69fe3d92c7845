import { describe, expect, it } from 'vitest';
import { aptCacheFact, aptPolicyFact, dpkgFact } from '../../../src/facts/apt.js';
import { fixture } from './fixture.js';

const NAMES = ['haproxy', 'hello', 'no-such-package'];

describe('apt facts', () => {
  it('dpkg-query: installed with version, the rest not installed (rc 1 is an answer)', () => {
    const rec = fixture('dpkg-query');
    expect(rec.rc).toBe(1);
    expect(dpkgFact(NAMES).parse(rec)).toEqual({
      haproxy: { name: 'haproxy', status: 'installed', version: '2.6.12-1+deb12u3' },
      hello: { name: 'hello', status: 'not-installed' },
      'no-such-package': { name: 'no-such-package', status: 'not-installed' },
    });
    expect(dpkgFact(NAMES).command()).toBe(rec.command);
  });

  it('dpkg-query: removed-but-not-purged shows as config-files', () => {
    const res = { stdout: 'hello\tdeinstall ok config-files\t\n', stderr: '', rc: 0 };
    expect(dpkgFact(['hello']).parse(res).hello?.status).toBe('config-files');
  });

  it('apt-cache policy: installed and candidate versions', () => {
    const parsed = aptPolicyFact(NAMES).parse(fixture('apt-policy'));
    expect(parsed.haproxy).toEqual({
      name: 'haproxy',
      status: 'installed',
      version: '2.6.12-1+deb12u3',
      candidate: '2.6.12-1+deb12u3',
    });
    expect(parsed.hello).toEqual({ name: 'hello', status: 'not-installed', candidate: '2.10-3' });
    expect(parsed['no-such-package']).toEqual({ name: 'no-such-package', status: 'not-installed' });
  });

  it('cache age: last update and the host clock', () => {
    expect(aptCacheFact().parse(fixture('apt-cache'))).toEqual({ updatedS: 1795498695, nowS: 1795498697 });
    expect(aptCacheFact().parse({ stdout: 'now 100\n', stderr: '', rc: 0 })).toEqual({ nowS: 100 });
  });

  it('a new VPS (no package index) or a source newer than the lists needs an update, whatever the age', () => {
    const parse = (stdout: string) => aptCacheFact().parse({ stdout, stderr: '', rc: 0 });
    expect(parse('updated 90\nindexes 0\nsources 10\nnow 100\n')).toEqual({ nowS: 100 });
    expect(parse('updated 90\nindexes 4\nsources 95\nnow 100\n')).toEqual({ nowS: 100 });
    expect(parse('updated 90\nindexes 4\nsources 90\nnow 100\n')).toEqual({ updatedS: 90, nowS: 100 });
  });
});
