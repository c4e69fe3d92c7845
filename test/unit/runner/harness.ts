import { fileURLToPath } from 'node:url';
import type { Templar } from '../../../src/template/types.js';
import type { Inventory } from '../../../src/inventory/types.js';
import type { RunOptions, RunnerDeps } from '../../../src/runner/deps.js';
import type { RunReport } from '../../../src/runner/executor.js';
import { executePlaybook } from '../../../src/runner/executor.js';
import { createJsonSink } from '../../../src/runner/output-json.js';
import { createTextSink } from '../../../src/runner/output-text.js';
import { loadPlaybook } from '../../../src/runner/playbook-load.js';
import { fakeTemplar } from './fake-templar.js';
import type { FakeHostSpec } from './fake-world.js';
import { FakeWorld, fakeInventory, fakeModules, lookupIn } from './fake-world.js';

export const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../fixtures/runner/${name}`, import.meta.url));

export interface FixtureRun {
  world: FakeWorld;
  report: RunReport;
  lines: string[];
  output: string;
  sleeps: number[];
}

export interface FixtureOptions {
  hosts?: Record<string, FakeHostSpec>;
  groupVars?: Record<string, Record<string, unknown>>;
  options?: Partial<RunOptions>;
  world?: FakeWorld;
  json?: boolean;
  /** Default: the fake templar; pass the real one to check the two fit together. */
  templar?: Templar;
}

function fakeHostVars(inventory: Inventory, host: string): Record<string, unknown> {
  const groupNames = [...inventory.groups.values()]
    .filter((g) => g.name !== 'all' && g.hosts.includes(host))
    .map((g) => g.name);
  const groups = Object.fromEntries([...inventory.groups.values()].map((g) => [g.name, [...g.hosts]]));
  return {
    ...inventory.groups.get('all')?.vars,
    ...Object.assign({}, ...groupNames.map((g) => inventory.groups.get(g)?.vars ?? {})),
    ...inventory.hosts.get(host)?.vars,
    inventory_hostname: host,
    group_names: groupNames,
    groups,
  };
}

/** Host pattern stand-in: `all`, group and host names, joined by `,` or `:`. */
function fakeSelect(inventory: Inventory, pattern: string | string[]): string[] {
  const parts = (Array.isArray(pattern) ? pattern : pattern.split(/[,:]/)).map((p) => p.trim());
  const picked = new Set(
    parts.flatMap((p) => inventory.groups.get(p)?.hosts ?? (inventory.hosts.has(p) ? [p] : [])),
  );
  return [...inventory.hosts.keys()].filter((h) => picked.has(h));
}

export const TWO_HOSTS: Record<string, FakeHostSpec> = {
  web1: { groups: ['web'] },
  web2: { groups: ['web'] },
};

/** Loads a fixture playbook and runs it whole against fake hosts, a fake templar and the real text (or JSON) output. */
export async function runFixture(name: string, opts: FixtureOptions = {}): Promise<FixtureRun> {
  const world = opts.world ?? new FakeWorld();
  const lookupModule = lookupIn(fakeModules(world));
  const playbook = await loadPlaybook(fixture(name), {
    lookupModule,
    extraVars: opts.options?.extraVars ?? {},
  });
  const inventory = fakeInventory(opts.hosts ?? TWO_HOSTS, opts.groupVars);
  const chunks: string[] = [];
  const write = (text: string) => void chunks.push(text);
  const sleeps: number[] = [];
  const deps: RunnerDeps = {
    inventory,
    hostVars: (host) => fakeHostVars(inventory, host),
    selectHosts: (pattern) => fakeSelect(inventory, pattern),
    templar: opts.templar ?? fakeTemplar(),
    lookupModule,
    connect: (host, vars, become) => world.connect(host, vars, become),
    gatherFacts: async (remote) => {
      await remote.exec('gather facts');
      return { hostname: remote.hostName, distribution: 'Debian' };
    },
    sink: opts.json
      ? createJsonSink(write)
      : createTextSink({ write, colour: false, diff: Boolean(opts.options?.diff) }),
    now: () => 0,
    sleep: async (ms) => void sleeps.push(ms),
  };
  const options: RunOptions = {
    check: false,
    diff: false,
    tags: [],
    skipTags: [],
    forks: 10,
    extraVars: {},
    ...opts.options,
  };
  const report = await executePlaybook(playbook, deps, options);
  const output = chunks.join('');
  return { world, report, output, lines: output.split('\n').filter((l) => l !== ''), sleeps };
}

/** The lines of the output that report a host, without banners. */
export function hostLines(run: FixtureRun): string[] {
  return run.lines.filter((l) => /^(ok|changed|failed|skipping|fatal): /.test(l));
}

/** The output cut into sections per TASK banner: title -> host lines. */
export function sections(run: FixtureRun): { title: string; lines: string[] }[] {
  const out: { title: string; lines: string[] }[] = [];
  for (const line of run.lines) {
    const banner = /^(TASK|RUNNING HANDLER|PLAY) \[(.*)\] \*+$/.exec(line);
    if (banner) out.push({ title: `${banner[1]} [${banner[2]}]`, lines: [] });
    else if (line.startsWith('PLAY RECAP')) out.push({ title: 'PLAY RECAP', lines: [] });
    else out.at(-1)?.lines.push(line);
  }
  return out;
}
