import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { adminStateOf, parseServersState, parseStat, runtimeError } from '../../../src/haproxy/parse.js';
import { IngressError } from '../../../src/errors.js';

/** Answers recorded from Debian's HAProxy on a bare lab node by test/fixtures/haproxy/record.sh (version.txt). */
function recorded(name: string): string {
  return readFileSync(new URL(`../../fixtures/haproxy/${name}`, import.meta.url), 'utf8');
}

describe('show servers state', () => {
  it('reads each server with admin state, check verdict and weight', () => {
    const rows = parseServersState(recorded('show-servers-state.txt'));
    expect(rows.map((r) => [r.backend, r.server, r.admin, r.operational, r.weight, r.port])).toEqual([
      ['home', 'wan1', 'ready', true, 200, 8081],
      ['home', 'wan2', 'ready', false, 1, 9],
      ['home', 'mesh', 'ready', true, 1, 8081],
    ]);
  });

  it('sees drain, maint and a changed weight after the set commands', () => {
    const rows = parseServersState(recorded('show-servers-state-after.txt'));
    expect(rows.map((r) => [r.server, r.admin, r.adminBits, r.operational, r.weight])).toEqual([
      ['wan1', 'ready', 0, true, 100],
      ['wan2', 'drain', 8, false, 1],
      ['mesh', 'maint', 1, false, 1],
    ]);
  });

  it.each([
    [0, 'ready'],
    [0x01, 'maint'],
    [0x08, 'drain'],
    [0x10, 'drain'],
    [0x20, 'maint'],
    [0x09, 'maint'],
  ])('admin bits %i mean %s', (bits, state) => {
    expect(adminStateOf(bits)).toBe(state);
  });

  it('rejects an unknown format version', () => {
    expect(() => parseServersState('2\n# be_id\n')).toThrow(IngressError);
    expect(() => parseServersState(recorded('error-no-backend.txt'))).toThrow(/unsupported format version/);
  });
});

describe('show stat', () => {
  it('parses the CSV with HAProxy field names', () => {
    const rows = parseStat(recorded('show-stat.csv'));
    const servers = rows.filter(
      (r) => r.pxname === 'home' && !['FRONTEND', 'BACKEND'].includes(r.svname ?? ''),
    );
    expect(servers.map((r) => [r.svname, r.status, r.weight, r.bck])).toEqual([
      ['wan1', 'UP', '200', '0'],
      ['wan2', 'DOWN', '1', '0'],
      ['mesh', 'UP', '1', '1'],
    ]);
    expect(rows.find((r) => r.pxname === 'home' && r.svname === 'BACKEND')?.status).toBe('UP');
  });

  it('reads a quoted field holding a comma as one field, and the check counters beside it', () => {
    const text = [
      '# pxname,svname,chkfail,check_desc,check_duration,',
      'home,wan1,2,"Layer4 timeout, no answer",1001,',
      'home,wan2,0,Layer7 check passed,4,',
      '',
    ].join('\n');
    expect(parseStat(text)).toEqual([
      {
        pxname: 'home',
        svname: 'wan1',
        chkfail: '2',
        check_desc: 'Layer4 timeout, no answer',
        check_duration: '1001',
      },
      {
        pxname: 'home',
        svname: 'wan2',
        chkfail: '0',
        check_desc: 'Layer7 check passed',
        check_duration: '4',
      },
    ]);
  });

  it('returns no rows for empty output', () => {
    expect(parseStat('')).toEqual([]);
  });
});

describe('runtime errors', () => {
  it.each([
    ['error-no-server.txt', 'No such server.'],
    ['error-no-backend.txt', 'No such backend.'],
    ['error-weight.txt', 'Absolute weight can only be between 0 and 256 inclusive.'],
    ['commit-ssl-cert-none.txt', 'No ongoing transaction! !'],
    ['set-ssl-cert-unknown.txt', "Can't replace a certificate which is not referenced by the configuration!"],
  ])('%s is an error', (file, first) => {
    expect(runtimeError(recorded(file))).toBe(first);
  });

  it('an unknown command is an error', () => {
    expect(runtimeError(recorded('error-unknown-command.txt'))).toMatch(/^Unknown command/);
  });

  it.each(['show-servers-state.txt', 'set-state-drain.txt', 'commit-ssl-cert.txt', 'set-ssl-ca-file.txt'])(
    '%s is not an error',
    (file) => {
      expect(runtimeError(recorded(file))).toBeNull();
    },
  );
});
