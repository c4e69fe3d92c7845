import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { getModule } from '../../../src/modules/registry.js';
import { listTasksText } from '../../../src/runner/list-tasks.js';
import type { TaskNode } from '../../../src/runner/model.js';
import { loadPlaybook } from '../../../src/runner/playbook-load.js';
import { createTemplar } from '../../../src/template/templar.js';

/** The role corpus, checked against what ansible-core 2.14 printed and rendered for it (recorded in expected/). */
const corpus = fileURLToPath(new URL('../../fixtures/roles/', import.meta.url));
const expected = (name: string) => readFileSync(join(corpus, 'expected', name), 'utf8');

interface RecordedRender {
  vars: Record<string, unknown>;
  rendered: string;
}

function* actions(nodes: TaskNode[]): Generator<string> {
  for (const node of nodes) {
    if (node.kind === 'action') yield node.action;
    else yield* actions([...node.block, ...node.rescue, ...node.always]);
  }
}

describe('the role corpus', () => {
  it('loads whole, with every module known except the RedHat branch', async () => {
    const playbook = await loadPlaybook(join(corpus, 'site.yml'), { lookupModule: getModule });
    const play = playbook.plays[0];
    const used = [...actions(play?.roles ?? [])];
    expect(used.filter((a) => !getModule(a) && !['assert'].includes(a))).toEqual(['dnf']);
    expect(play?.handlers.map((h) => h.name)).toEqual([
      'restart ssh',
      'restart fail2ban',
      'reload nftables',
      'reload haproxy',
      'restart nodeapp',
    ]);
  });

  it.each([
    ['site.list-tasks.txt', []],
    ['site.list-tasks.haproxy.txt', ['haproxy']],
  ])('--list-tasks prints what ansible-playbook printed (%s)', async (file, tags) => {
    const playbook = await loadPlaybook(join(corpus, 'site.yml'), { lookupModule: getModule });
    expect(listTasksText(playbook, 'site.yml', { tags, skipTags: [] })).toBe(expected(file));
  });

  const renders = JSON.parse(expected('templates.json')) as Record<string, RecordedRender>;
  it.each(Object.entries(renders))('renders %s as Ansible rendered it', (name, recorded) => {
    const [role, template] = name.split('/') as [string, string];
    const path = join(corpus, 'roles', role, 'templates', template);
    const templar = createTemplar({ searchPaths: [join(corpus, 'roles', role, 'templates')] });
    expect(templar.renderText(readFileSync(path, 'utf8'), recorded.vars, path)).toBe(recorded.rendered);
  });
});
