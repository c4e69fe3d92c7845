import { describe, expect, it } from 'vitest';
import { sysctlFact } from '../../../src/facts/sysctl.js';
import { fixture } from './fixture.js';

describe('sysctl fact', () => {
  it('reads the live value and the file text', () => {
    const rec = fixture('sysctl');
    const facts = sysctlFact('net.ipv4.ip_forward', '/etc/sysctl.conf').parse(rec);
    expect(facts.current).toBe('1');
    expect(facts.fileExists).toBe(true);
    expect(facts.fileContent).toMatch(/^#\n# \/etc\/sysctl.conf - Configuration file/);
    expect(facts.fileContent).toContain('#net.ipv4.ip_forward=1\n');
  });

  it('an unknown key and a missing file', () => {
    expect(sysctlFact('x.y', '/nope').parse({ stdout: '', stderr: '', rc: 0 })).toEqual({
      fileExists: false,
      fileContent: '',
    });
  });
});
