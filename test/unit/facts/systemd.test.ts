import { describe, expect, it } from 'vitest';
import { parseSystemctlShow, unitFact } from '../../../src/facts/systemd.js';
import { fixture } from './fixture.js';

// Recorded on a lab node booted with systemd as PID 1.
describe('systemd unit fact', () => {
  it('an active enabled unit', () => {
    expect(parseSystemctlShow(fixture('systemctl-show-active'))).toEqual({
      loadState: 'loaded',
      activeState: 'active',
      subState: 'running',
      unitFileState: 'enabled',
    });
    expect(unitFact('ssh.service').command()).toBe(fixture('systemctl-show-active').command);
  });

  it('disabled, masked and missing units', () => {
    expect(parseSystemctlShow(fixture('systemctl-show-disabled'))).toMatchObject({
      activeState: 'inactive',
      unitFileState: 'disabled',
    });
    expect(parseSystemctlShow(fixture('systemctl-show-masked'))).toMatchObject({ loadState: 'masked' });
    expect(parseSystemctlShow(fixture('systemctl-show-missing'))).toMatchObject({
      loadState: 'not-found',
      unitFileState: '',
    });
  });

  it('rejects output that is not systemctl show', () => {
    const noSystemd = { stdout: '', stderr: 'System has not been booted with systemd', rc: 1 };
    expect(() => parseSystemctlShow(noSystemd)).toThrow(/System has not been booted/);
  });
});
