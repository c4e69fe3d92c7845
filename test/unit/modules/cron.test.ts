import { describe, expect, it } from 'vitest';
import { parseCronArgs } from '../../../src/modules/cron.js';
import { cronLine, editCrontab } from '../../../src/modules/cron-plan.js';

const CRONTAB = '# m h dom mon dow command\n#Ansible: backup\n0 3 * * * /usr/local/bin/backup\n';

describe('cron planner', () => {
  it('adds a job under its marker and is idempotent', () => {
    const { spec } = parseCronArgs({ name: 'renew', minute: '17', hour: '*/12', job: 'certbot renew -q' });
    const once = editCrontab(CRONTAB, spec);
    expect(once).toBe(`${CRONTAB}#Ansible: renew\n17 */12 * * * certbot renew -q\n`);
    expect(editCrontab(once, spec)).toBe(once);
  });

  it('changes a job in place and removes it with state=absent', () => {
    const { spec } = parseCronArgs({ name: 'backup', hour: '4', minute: '0', job: '/usr/local/bin/backup' });
    expect(editCrontab(CRONTAB, spec)).toBe(
      '# m h dom mon dow command\n#Ansible: backup\n0 4 * * * /usr/local/bin/backup\n',
    );
    const gone = parseCronArgs({ name: 'backup', state: 'absent' }).spec;
    expect(editCrontab(CRONTAB, gone)).toBe('# m h dom mon dow command\n');
    expect(editCrontab('', gone)).toBe('');
  });

  it('writes special times, disabled jobs, and the user column of a cron.d file', () => {
    expect(cronLine(parseCronArgs({ name: 'a', special_time: 'reboot', job: 'x' }).spec)).toBe('@reboot x');
    expect(cronLine(parseCronArgs({ name: 'a', job: 'x', disabled: true }).spec)).toBe('#* * * * * x');
    const inFile = parseCronArgs({ name: 'a', job: 'x', user: 'www', cron_file: 'site' });
    expect(cronLine(inFile.spec)).toBe('* * * * * www x');
    expect(() => parseCronArgs({ name: 'a' })).toThrow(/job: is required/);
  });
});
