import { describe, expect, it } from 'vitest';
import { parseSystemctlShow } from '../../../src/facts/systemd.js';
import { getModule } from '../../../src/modules/registry.js';
import { parseSystemdArgs, planSystemd } from '../../../src/modules/systemd.js';
import { fixture } from '../facts/fixture.js';
import { makeCtx, ok, ScriptedRemote } from './fakes.js';

const active = parseSystemctlShow(fixture('systemctl-show-active'));
const disabled = parseSystemctlShow(fixture('systemctl-show-disabled'));
const masked = parseSystemctlShow(fixture('systemctl-show-masked'));
const missing = parseSystemctlShow(fixture('systemctl-show-missing'));

describe('systemd planner, from recorded systemctl facts', () => {
  it('started+enabled: nothing to do when active and enabled', () => {
    const args = parseSystemdArgs({ name: 'ssh', state: 'started', enabled: true });
    expect(planSystemd(args, active).changes).toEqual([]);
    expect(planSystemd(args, disabled).changes).toEqual(['enable', 'start']);
  });

  it('stopped and disabled', () => {
    const args = parseSystemdArgs({ name: 'ssh', state: 'stopped', enabled: false });
    expect(planSystemd(args, active).changes).toEqual(['disable', 'stop']);
    expect(planSystemd(args, disabled).changes).toEqual([]);
  });

  it('restarted always acts; reloaded starts a stopped unit', () => {
    expect(planSystemd(parseSystemdArgs({ name: 'ssh', state: 'restarted' }), active).changes).toEqual([
      'restart',
    ]);
    expect(planSystemd(parseSystemdArgs({ name: 'x', state: 'reloaded' }), disabled).changes).toEqual([
      'start',
    ]);
    expect(planSystemd(parseSystemdArgs({ name: 'x', state: 'reloaded' }), active).changes).toEqual([
      'reload',
    ]);
  });

  it('masked: unmask before starting', () => {
    const args = parseSystemdArgs({ name: 'systemd-logind', masked: false, state: 'started' });
    expect(planSystemd(args, masked).changes).toEqual(['unmask', 'start']);
    expect(planSystemd(parseSystemdArgs({ name: 'systemd-logind', masked: true }), masked).changes).toEqual(
      [],
    );
  });

  it('a missing unit is an error', () => {
    expect(planSystemd(parseSystemdArgs({ name: 'nope', state: 'started' }), missing).error).toMatch(
      /Could not find/,
    );
  });

  it('validation names the field', () => {
    expect(() => parseSystemdArgs({ state: 'started' })).toThrow(
      expect.objectContaining({ location: { file: 'systemd', field: 'name' } }),
    );
    expect(() => parseSystemdArgs({ name: 'x', state: 'running' })).toThrow(/state: must be one of/);
    expect(() => parseSystemdArgs({ name: 'x' })).toThrow(/state, enabled, masked or daemon_reload/);
  });
});

describe('systemd module run', () => {
  it('answers to service and systemd_service; check mode runs no systemctl verb', async () => {
    const remote = new ScriptedRemote([[/^systemctl show/, fixture('systemctl-show-disabled')]]);
    const mod = getModule('ansible.builtin.service');
    const res = await mod?.run(
      { name: 'haproxy', state: 'started', enabled: true },
      makeCtx(remote, { check: true }),
    );
    expect(res).toMatchObject({ changed: true, state: 'started', enabled: true });
    expect(remote.commands).toEqual([fixture('systemctl-show-disabled').command]);
    expect(getModule('systemd_service')).toBe(mod);
  });

  it('daemon_reload runs before the facts; verbs run in order', async () => {
    const remote = new ScriptedRemote([
      [/^systemctl daemon-reload$/, ok()],
      [/^systemctl show/, fixture('systemctl-show-disabled')],
      [/^systemctl (enable|start) -- haproxy$/, ok()],
    ]);
    const res = await getModule('systemd')?.run(
      { name: 'haproxy', state: 'started', enabled: true, daemon_reload: true },
      makeCtx(remote),
    );
    expect(res?.changed).toBe(true);
    expect(remote.commands.map((c) => c.split(' ').slice(0, 2).join(' '))).toEqual([
      'systemctl daemon-reload',
      'systemctl show',
      'systemctl enable',
      'systemctl start',
    ]);
  });

  it('a missing unit fails a real run but is reported as a change in check mode', async () => {
    const remote = new ScriptedRemote([[/^systemctl show/, fixture('systemctl-show-missing')]]);
    const args = { name: 'app', state: 'started', enabled: true };
    const real = await getModule('systemd')?.run(args, makeCtx(remote));
    expect(real).toMatchObject({
      changed: false,
      failed: true,
      msg: expect.stringMatching(/Could not find/),
    });
    const check = await getModule('systemd')?.run(args, makeCtx(remote, { check: true }));
    expect(check).toMatchObject({
      changed: true,
      msg: 'Could not find the requested service app; would act once it exists',
    });
    expect(check?.failed).toBeUndefined();
    expect(remote.commands.every((c) => c.startsWith('systemctl show'))).toBe(true);
  });

  it('a unit that will not start fails the task', async () => {
    const remote = new ScriptedRemote([
      [/^systemctl show/, fixture('systemctl-show-disabled')],
      [/^systemctl start/, { stdout: '', stderr: 'Job for haproxy.service failed', rc: 1 }],
    ]);
    const res = await getModule('systemd')?.run({ name: 'haproxy', state: 'started' }, makeCtx(remote));
    expect(res).toMatchObject({
      failed: true,
      msg: 'Unable to start service haproxy: Job for haproxy.service failed',
    });
  });
});
