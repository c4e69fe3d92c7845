import { join } from 'node:path';
import { gatherFacts } from '../facts/gather.js';
import { loadInventory } from '../inventory/load.js';
import { selectHosts } from '../inventory/patterns.js';
import { hostVars } from '../inventory/vars.js';
import { getModule } from '../modules/registry.js';
import { createTemplar } from '../template/templar.js';
import { TransportPool } from '../transport/pool.js';
import { poolConnector } from './connect.js';
import type { RunnerDeps } from './deps.js';
import { DEFAULT_FORKS } from './deps.js';
import type { RunReport } from './executor.js';
import { executePlaybook } from './executor.js';
import { createJsonSink } from './output-json.js';
import { useColour } from './output-format.js';
import { createTextSink } from './output-text.js';
import type { RunSink } from './output-types.js';
import { loadPlaybook } from './playbook-load.js';
import { sleep } from '../time/sleep.js';

export interface PlaybookRunOptions {
  playbook: string;
  inventories: string[];
  check?: boolean;
  diff?: boolean;
  limit?: string;
  tags?: string[];
  skipTags?: string[];
  forks?: number;
  extraVars?: Record<string, unknown>;
  /** One JSON document at the end instead of the text output. */
  json?: boolean;
  acceptNewHostKeys?: boolean;
  knownHostsFile?: string;
  connectTimeoutMs?: number;
  /** Where output goes (default: standard output). */
  out?: { write(text: string): unknown; isTTY?: boolean };
  /** Replaces the text/JSON output entirely (e.g. `ingress up` collecting events). */
  sink?: RunSink;
}

function chooseSink(options: PlaybookRunOptions): RunSink {
  if (options.sink) return options.sink;
  const out = options.out ?? process.stdout;
  const write = (text: string) => void out.write(text);
  if (options.json) return createJsonSink(write);
  return createTextSink({ write, colour: useColour(out), diff: Boolean(options.diff) });
}

/**
 * Loads the inventory and the playbook (validating it whole before touching a
 * host), runs it over SSH, prints text or JSON, and reports the exit code.
 */
export async function runPlaybook(options: PlaybookRunOptions): Promise<RunReport> {
  const inventory = await loadInventory(options.inventories);
  const playbook = await loadPlaybook(options.playbook, {
    lookupModule: getModule,
    extraVars: options.extraVars ?? {},
  });
  const templar = createTemplar({
    searchPaths: [playbook.dir, join(playbook.dir, 'templates'), join(playbook.dir, 'files')],
  });
  const pool = new TransportPool();
  const deps: RunnerDeps = {
    inventory,
    hostVars: (host, playbookDir) => hostVars(inventory, host, { playbookDir }),
    selectHosts: (pattern) => selectHosts(inventory, pattern),
    templar,
    lookupModule: getModule,
    connect: poolConnector(pool, templar, {
      acceptNewHostKeys: Boolean(options.acceptNewHostKeys),
      ...(options.knownHostsFile ? { knownHostsFile: options.knownHostsFile } : {}),
      ...(options.connectTimeoutMs ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
    }),
    gatherFacts,
    sink: chooseSink(options),
    now: () => Date.now(),
    sleep,
  };
  try {
    return await executePlaybook(playbook, deps, {
      check: Boolean(options.check),
      diff: Boolean(options.diff),
      ...(options.limit ? { limit: options.limit } : {}),
      tags: options.tags ?? [],
      skipTags: options.skipTags ?? [],
      forks: options.forks ?? DEFAULT_FORKS,
      extraVars: options.extraVars ?? {},
    });
  } finally {
    await pool.closeAll();
  }
}
