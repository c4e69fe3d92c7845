import { describe, expect, it } from 'vitest';
import { createTemplar } from '../../../src/template/templar.js';
import { FakeWorld } from './fake-world.js';
import { runFixture } from './harness.js';

const LOOKUP = "{{ lookup('env', 'SECRET') }}";
const CONDITION = "lookup('env', 'SECRET') == 'x'";
const JSON_DOC = JSON.stringify({ key: LOOKUP });

/** An environment that records every name a lookup reads. */
function watchedEnv(read: string[]): Record<string, string | undefined> {
  return new Proxy({ SECRET: 'controller-secret' } as Record<string, string | undefined>, {
    get(target, name) {
      if (typeof name === 'string') read.push(name);
      return target[name as string];
    },
  });
}

describe('data returned by a host', () => {
  it('flows through register, set_fact, loops, hostvars and file content without being templated', async () => {
    const world = new FakeWorld();
    world.respond = (_host, command) => {
      const stdout =
        command === 'cat /etc/planted'
          ? `${LOOKUP}\n${CONDITION}`
          : command === 'cat /etc/planted.json'
            ? JSON_DOC
            : command;
      return { stdout, stderr: '', rc: 0 };
    };
    const read: string[] = [];
    const run = await runFixture('unsafe-data.yml', {
      world,
      hosts: { web1: { groups: ['web'] }, web2: { groups: ['web'] } },
      templar: createTemplar({ env: watchedEnv(read) }),
    });
    expect(run.lines.filter((l) => l.startsWith('failed') || l.startsWith('fatal'))).toEqual([]);
    expect(world.files.get('web1:/out/copy')).toBe(`${LOOKUP}|key ${LOOKUP}|${LOOKUP}|web1`);
    expect(world.files.get(`web1:/out/item-${LOOKUP.length}`)).toBe(LOOKUP);
    expect(world.files.get(`web1:/out/item-${CONDITION.length}`)).toBe(CONDITION);
    expect(world.log).toContain('web1: echo truthy');
    expect(world.files.get('web2:/out/from-web1')).toBe(`${LOOKUP}|${LOOKUP}`);
    expect(read).not.toContain('SECRET');
    expect(run.output).not.toContain('controller-secret');
  });
});
