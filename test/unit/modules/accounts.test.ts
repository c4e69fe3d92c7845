import { describe, expect, it } from 'vitest';
import { groupCommand, parseGetentGroup, parseGroupArgs, planGroup } from '../../../src/modules/group.js';
import {
  parseUserArgs,
  parseUserFact,
  planUser,
  userCommand,
  userFactCommand,
} from '../../../src/modules/user.js';
import { fixture } from '../facts/fixture.js';

const deploy = parseUserFact(fixture('user-deploy'));
const ghost = parseUserFact(fixture('user-absent'));

describe('user planner, from getent and id facts', () => {
  it('reads the passwd entry and the supplementary groups', () => {
    expect(userFactCommand('deploy')).toBe(fixture('user-deploy').command);
    expect(deploy).toEqual({
      exists: true,
      uid: 1001,
      comment: 'Deploy user',
      home: '/home/deploy',
      shell: '/bin/bash',
      group: 'deploy',
      groups: ['sudo', 'adm'],
    });
    expect(ghost).toEqual({ exists: false });
  });

  it('is ok when the user is as wanted, whatever the group order', () => {
    const args = parseUserArgs({ name: 'deploy', shell: '/bin/bash', groups: 'adm,sudo' });
    expect(planUser(args, deploy).changes).toEqual([]);
  });

  it('modifies only what differs; append adds the missing groups only', () => {
    const args = parseUserArgs({
      name: 'deploy',
      shell: '/usr/sbin/nologin',
      groups: ['docker'],
      append: true,
    });
    const plan = planUser(args, deploy);
    expect(plan.changes).toEqual([
      { kind: 'modify', flags: ['-s', '/usr/sbin/nologin', '-a', '-G', 'docker'] },
    ]);
    expect(userCommand(args, plan.changes[0] as never)).toBe(
      'usermod -s /usr/sbin/nologin -a -G docker deploy',
    );
  });

  it('creates a missing system user, and deletes with remove', () => {
    const args = parseUserArgs({
      name: 'ghost',
      system: true,
      shell: '/usr/sbin/nologin',
      create_home: false,
    });
    const plan = planUser(args, ghost);
    expect(plan.changes).toEqual([{ kind: 'add' }]);
    expect(userCommand(args, { kind: 'add' })).toBe('useradd -s /usr/sbin/nologin -r -M ghost');
    const gone = parseUserArgs({ name: 'deploy', state: 'absent', remove: true });
    expect(planUser(gone, deploy).changes).toEqual([{ kind: 'delete' }]);
    expect(userCommand(gone, { kind: 'delete' })).toBe('userdel -r deploy');
    expect(planUser(parseUserArgs({ name: 'ghost', state: 'absent' }), ghost).changes).toEqual([]);
  });
});

describe('group planner, from getent facts', () => {
  const haproxy = parseGetentGroup(fixture('group-haproxy'));

  it('reads getent group', () => {
    expect(haproxy).toEqual({ exists: true, gid: 998 });
    expect(parseGetentGroup(fixture('group-absent'))).toEqual({ exists: false });
  });

  it('adds, changes the gid, deletes, or leaves alone', () => {
    expect(planGroup(parseGroupArgs({ name: 'haproxy' }), haproxy).changes).toEqual([]);
    const gid = parseGroupArgs({ name: 'haproxy', gid: 990 });
    expect(planGroup(gid, haproxy).changes).toEqual([{ kind: 'gid', from: 998, to: 990 }]);
    const add = parseGroupArgs({ name: 'nosuch', system: true });
    expect(planGroup(add, { exists: false }).changes).toEqual([{ kind: 'add' }]);
    expect(groupCommand(add, { kind: 'add' })).toBe('groupadd -r nosuch');
    expect(planGroup(parseGroupArgs({ name: 'haproxy', state: 'absent' }), haproxy).changes).toEqual([
      { kind: 'delete' },
    ]);
  });
});
