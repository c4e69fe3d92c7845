import { IngressError } from '../../../src/errors.js';
import type { Inventory, InventoryGroup } from '../../../src/inventory/types.js';
import type { ExecResult } from '../../../src/transport/types.js';
import type { Module, ModuleResult, Remote } from '../../../src/modules/types.js';
import type { BecomeRequest } from '../../../src/runner/deps.js';

/** A fleet of fake hosts: commands are logged in order, files live in a map, some hosts can be unreachable. */
export class FakeWorld {
  readonly log: string[] = [];
  readonly files = new Map<string, string>();
  readonly unreachable = new Set<string>();
  readonly checks: boolean[] = [];
  readonly becomes: { host: string; become: BecomeRequest }[] = [];
  active = 0;
  maxActive = 0;
  /** Decides what a command returns; default: rc 0 and stdout echoing the command. */
  respond: (host: string, command: string) => ExecResult = (_host, command) => ({
    stdout: command,
    stderr: '',
    rc: 0,
  });

  async connect(host: string, _vars: Record<string, unknown>, become: BecomeRequest): Promise<Remote> {
    this.becomes.push({ host, become });
    if (this.unreachable.has(host))
      throw new IngressError('E_UNREACHABLE', `ssh: connect to host ${host} port 22: Connection refused`);
    return this.remote(host);
  }

  remote(host: string): Remote {
    return {
      hostName: host,
      exec: async (command) => {
        this.active += 1;
        this.maxActive = Math.max(this.maxActive, this.active);
        this.log.push(`${host}: ${command}`);
        // Yield twice so that parallel hosts really overlap.
        await new Promise((resolve) => setImmediate(resolve));
        await new Promise((resolve) => setImmediate(resolve));
        this.active -= 1;
        return this.respond(host, command);
      },
      put: async (path, content) => {
        this.files.set(`${host}:${path}`, content.toString());
      },
      get: async (path) => Buffer.from(this.files.get(`${host}:${path}`) ?? ''),
    };
  }
}

function validationError(module: string, field: string, message: string): IngressError {
  return new IngressError('E_VALIDATION', `${module}: ${field}: ${message}`, {
    location: { file: module, field },
  });
}

function fakeCommand(world: FakeWorld): Module {
  return {
    name: 'command',
    aliases: ['ansible.builtin.command'],
    validate(args) {
      if (typeof args._raw_params !== 'string' && typeof args.cmd !== 'string') {
        throw validationError('command', 'cmd', 'is required');
      }
    },
    async run(args, ctx): Promise<ModuleResult> {
      world.checks.push(ctx.check);
      if (ctx.check) return { changed: false, skipped: true, msg: 'skipped in check mode' };
      const cmd = String(args._raw_params ?? args.cmd);
      const res = await ctx.remote.exec(cmd);
      const lines = res.stdout === '' ? [] : res.stdout.split('\n');
      return {
        changed: true,
        rc: res.rc,
        stdout: res.stdout,
        stderr: res.stderr,
        stdout_lines: lines,
        failed: res.rc !== 0,
        ...(res.rc !== 0 ? { msg: 'non-zero return code' } : {}),
      };
    },
  };
}

function fakeFile(world: FakeWorld): Module {
  return {
    name: 'fake_file',
    validate(args) {
      if (typeof args.path !== 'string') throw validationError('fake_file', 'path', 'is required');
      if (typeof args.content !== 'string') throw validationError('fake_file', 'content', 'must be a string');
    },
    async run(args, ctx): Promise<ModuleResult> {
      world.checks.push(ctx.check);
      const key = `${ctx.remote.hostName}:${String(args.path)}`;
      const before = world.files.get(key) ?? '';
      const after = String(args.content);
      if (before === after) return { changed: false };
      if (!ctx.check) await ctx.remote.put(String(args.path), after);
      return { changed: true, diff: [{ path: String(args.path), before, after }] };
    },
  };
}

export function fakeModules(world: FakeWorld): Module[] {
  return [fakeCommand(world), fakeFile(world)];
}

export function lookupIn(modules: Module[]): (name: string) => Module | undefined {
  return (name) => modules.find((m) => m.name === name || (m.aliases ?? []).includes(name));
}

export interface FakeHostSpec {
  groups?: string[];
  vars?: Record<string, unknown>;
}

/** An inventory with hosts in groups; `all` and `ungrouped` as Ansible has them. */
export function fakeInventory(
  hosts: Record<string, FakeHostSpec>,
  groupVars: Record<string, Record<string, unknown>> = {},
): Inventory {
  const groups = new Map<string, InventoryGroup>();
  const group = (name: string) => {
    const g = groups.get(name) ?? { name, hosts: [], children: [], vars: groupVars[name] ?? {} };
    groups.set(name, g);
    return g;
  };
  group('all');
  group('ungrouped');
  for (const [name, spec] of Object.entries(hosts)) {
    group('all').hosts.push(name);
    const names = spec.groups ?? [];
    if (names.length === 0) group('ungrouped').hosts.push(name);
    for (const g of names) group(g).hosts.push(name);
  }
  const hostMap = new Map(
    Object.entries(hosts).map(([name, spec]) => [
      name,
      { name, vars: spec.vars ?? {}, source: { file: 'fake' } },
    ]),
  );
  return { sources: ['fake'], hosts: hostMap, groups };
}
