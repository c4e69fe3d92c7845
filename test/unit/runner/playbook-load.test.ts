import { describe, expect, it } from 'vitest';
import { IngressError } from '../../../src/errors.js';
import { loadPlaybook } from '../../../src/runner/playbook-load.js';
import { FakeWorld, fakeModules, lookupIn } from './fake-world.js';
import { fixture } from './harness.js';

const world = new FakeWorld();
const lookupModule = lookupIn(fakeModules(world));

async function loadError(name: string): Promise<IngressError> {
  const err = await loadPlaybook(fixture(name), { lookupModule }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(IngressError);
  return err as IngressError;
}

describe('loadPlaybook errors name file, line and key before any host is touched', () => {
  it.each([
    ['errors/unknown-key.yml', 'E_PLAYBOOK', 8, 'regsiter', /unknown task keyword 'regsiter'/],
    [
      'errors/unknown-module.yml',
      'E_PLAYBOOK',
      5,
      'frobnicate',
      /unknown module or task keyword 'frobnicate'/,
    ],
    ['errors/bad-args.yml', 'E_VALIDATION', 8, 'content', /fake_file: content: must be a string/],
    [
      'errors/unknown-handler.yml',
      'E_PLAYBOOK',
      4,
      'notify',
      /no handler named or listening to 'restart nginx'/,
    ],
    ['errors/play-key.yml', 'E_PLAYBOOK', 3, 'gather_fact', /unknown play keyword 'gather_fact'/],
    ['errors/block-key.yml', 'E_PLAYBOOK', 8, 'finally', /unknown block keyword 'finally'/],
    [
      'errors/missing-include.yml',
      'E_PLAYBOOK_MISSING',
      4,
      'include_tasks',
      /task file 'nowhere.yml' not found/,
    ],
    ['errors/bad-debug.yml', 'E_VALIDATION', 4, 'var', /mutually exclusive/],
    ['errors/import-public.yml', 'E_PLAYBOOK', 5, 'public', /public is an option of include_role only/],
  ])('%s', async (name, code, line, field, message) => {
    const err = await loadError(name);
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
    expect(err.location).toMatchObject({ file: fixture(name), line, field });
  });

  it('reports invalid YAML with its line', async () => {
    const err = await loadError('errors/bad-yaml.yml');
    expect(err.code).toBe('E_PLAYBOOK');
    expect(err.location?.file).toBe(fixture('errors/bad-yaml.yml'));
    expect(err.location?.line).toBeGreaterThanOrEqual(5);
  });

  it('reports a missing playbook file', async () => {
    const err = await loadError('nope.yml');
    expect(err.code).toBe('E_PLAYBOOK_MISSING');
    expect(err.message).toMatch(/cannot read/);
  });
});

describe('loadPlaybook model', () => {
  it('reads free-form args, notify lists, handlers with listen, and the task lines', async () => {
    const book = await loadPlaybook(fixture('handlers.yml'), { lookupModule });
    const play = book.plays[0];
    expect(play?.name).toBe('handlers');
    expect(play?.gatherFacts).toBe(false);
    const [config, unit] = play?.tasks ?? [];
    expect(config).toMatchObject({
      kind: 'action',
      action: 'fake_file',
      args: { path: '/etc/app.conf', content: 'v1' },
    });
    expect(config?.location.line).toBe(5);
    expect(unit).toMatchObject({ notify: ['restart app', 'reload things'] });
    expect(play?.handlers.map((h) => [h.name, h.listen])).toEqual([
      ['reload', ['reload things']],
      ['restart app', []],
    ]);
  });

  it('keeps command lines whole as _raw_params and reads serial lists', async () => {
    const book = await loadPlaybook(fixture('serial-fail.yml'), { lookupModule });
    expect(book.plays[0]?.serial).toEqual([1, 2]);
    expect(book.plays[0]?.tasks[0]).toMatchObject({ action: 'command', args: { _raw_params: 'upgrade' } });
  });

  it('reads loops, loop_control, until/retries/delay', async () => {
    const loops = await loadPlaybook(fixture('loops.yml'), { lookupModule });
    expect(loops.plays[0]?.tasks[1]).toMatchObject({
      loop: { items: [['a', 'b'], 'c'], loopVar: 'pkg', flatten: true },
    });
    const retry = await loadPlaybook(fixture('retry.yml'), { lookupModule });
    expect(retry.plays[0]?.tasks[0]).toMatchObject({ register: 'r', retry: { retries: 3, delayMs: 2000 } });
  });
});

describe('YAML anchors, aliases and merge keys', () => {
  it('expands merge keys (explicit keys win), aliased tasks, and handler files', async () => {
    const book = await loadPlaybook(fixture('handlers-include.yml'), { lookupModule });
    const tasks = book.plays[0]?.tasks ?? [];
    expect(tasks.map((t) => (t.kind === 'action' ? [t.name, t.args] : []))).toEqual([
      ['write config', { path: '/etc/app.conf', content: 'v1' }],
      ['write unit', { path: '/etc/app.unit', content: 'v1' }],
      ['echo', { _raw_params: 'echo done' }],
      ['echo', { _raw_params: 'echo done' }],
    ]);
    const handlers = book.plays[0]?.handlers ?? [];
    expect(handlers.map((h) => [h.name, h.listen, h.when])).toEqual([
      ['restart app', [], []],
      ['reload app', ['app changed'], []],
      ['check rules', ['firewall handlers'], ["inventory_hostname == 'web1'"]],
      ['load rules', ['firewall handlers'], ["inventory_hostname == 'web1'"]],
    ]);
    expect(handlers[2]?.location.file).toBe(fixture('handlers/firewall.yml'));
  });

  it('an alias to no anchor is an error at its line', async () => {
    const err = await loadError('errors/bad-alias.yml');
    expect(err.code).toBe('E_PLAYBOOK');
    expect(err.location).toMatchObject({ file: fixture('errors/bad-alias.yml'), line: 5 });
  });
});
