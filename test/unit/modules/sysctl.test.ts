import { describe, expect, it } from 'vitest';
import { sysctlFact } from '../../../src/facts/sysctl.js';
import { editSysctlFile, parseSysctlArgs, planSysctl, sysctlModule } from '../../../src/modules/sysctl.js';
import { fixture } from '../facts/fixture.js';
import { makeCtx, ok, ScriptedRemote } from './fakes.js';

const recorded = sysctlFact('net.ipv4.ip_forward', '/etc/sysctl.conf').parse(fixture('sysctl'));

describe('sysctl planner', () => {
  it('appends a new key to the recorded Debian file and reloads', () => {
    const plan = planSysctl(parseSysctlArgs({ name: 'net.ipv4.ip_forward', value: 1 }), recorded);
    expect(plan.changes.map((c) => c.kind)).toEqual(['file', 'reload']);
    const file = plan.changes[0];
    expect(file?.kind === 'file' && file.after).toBe(`${recorded.fileContent}net.ipv4.ip_forward=1\n`);
  });

  it('leaves an equal value alone (whitespace and yes/1 compare equal)', () => {
    const facts = { fileExists: true, fileContent: '# x\nnet.ipv4.ip_forward = 1\n', current: '1' };
    expect(
      planSysctl(parseSysctlArgs({ name: 'net/ipv4/ip_forward', value: 'yes', sysctl_set: true }), facts)
        .changes,
    ).toEqual([]);
  });

  it('rewrites the first occurrence and drops duplicates; absent removes all', () => {
    const text = 'a.b=1\nx=2\na.b = 3\n';
    expect(editSysctlFile(text, parseSysctlArgs({ name: 'a.b', value: '5' }))).toBe('a.b=5\nx=2\n');
    expect(editSysctlFile(text, parseSysctlArgs({ name: 'a.b', state: 'absent' }))).toBe('x=2\n');
  });

  it('sysctl_set compares the live value', () => {
    const facts = { fileExists: true, fileContent: 'vm.swappiness=10\n', current: '60' };
    const plan = planSysctl(parseSysctlArgs({ name: 'vm.swappiness', value: 10, sysctl_set: true }), facts);
    expect(plan.changes).toEqual([{ kind: 'set', from: '60', to: '10' }]);
  });

  it('validation names the field', () => {
    expect(() => parseSysctlArgs({ name: 'vm.swappiness' })).toThrow(
      expect.objectContaining({ location: { file: 'sysctl', field: 'value' } }),
    );
    expect(() => parseSysctlArgs({ value: 1 })).toThrow(/name: is required/);
  });
});

describe('sysctl module run', () => {
  it('diff and check mode: shows the file change, writes nothing', async () => {
    const remote = new ScriptedRemote([[/^if v=\$\(sysctl -n/, fixture('sysctl')]]);
    const res = await sysctlModule.run(
      { name: 'net.ipv4.ip_forward', value: '1' },
      makeCtx(remote, { check: true, diff: true }),
    );
    expect(res.changed).toBe(true);
    expect(res.diff).toEqual([
      {
        path: '/etc/sysctl.conf',
        before: recorded.fileContent,
        after: `${recorded.fileContent}net.ipv4.ip_forward=1\n`,
      },
    ]);
    expect(remote.commands).toHaveLength(1);
  });

  it('writes the file atomically, then reloads it', async () => {
    const remote = new ScriptedRemote([
      [/^if v=\$\(sysctl -n/, fixture('sysctl')],
      [/mktemp/, ok()],
      [/^sysctl -p '?\/etc\/sysctl.conf'?$/, ok('net.ipv4.ip_forward = 1\n')],
    ]);
    const res = await sysctlModule.run({ name: 'net.ipv4.ip_forward', value: '1' }, makeCtx(remote));
    expect(res).toMatchObject({ changed: true, name: 'net.ipv4.ip_forward', value: '1' });
    expect(remote.commands).toHaveLength(3);
  });
});
