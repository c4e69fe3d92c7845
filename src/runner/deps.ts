import type { Inventory } from '../inventory/types.js';
import type { Module, Remote } from '../modules/types.js';
import type { Templar } from '../template/types.js';
import type { RunSink } from './output-types.js';

/** The play/block/task `become` keywords in force for a task. */
export interface BecomeRequest {
  become?: boolean;
  becomeUser?: string;
}

/**
 * Everything the executor talks to, injected so that unit tests can run whole
 * playbooks against fake hosts, a fake clock and a collecting sink.
 */
export interface RunnerDeps {
  inventory: Inventory;
  /** Inventory + group_vars/host_vars for a host, untemplated (the templar resolves lazily). */
  hostVars(hostName: string, playbookDir: string): Record<string, unknown>;
  selectHosts(pattern: string | string[]): string[];
  templar: Templar;
  lookupModule(name: string): Module | undefined;
  /** Throws IngressError E_UNREACHABLE / E_HOSTKEY when the host cannot be reached. */
  connect(hostName: string, vars: Record<string, unknown>, become: BecomeRequest): Promise<Remote>;
  gatherFacts(remote: Remote): Promise<Record<string, unknown>>;
  sink: RunSink;
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface RunOptions {
  check: boolean;
  diff: boolean;
  limit?: string;
  tags: string[];
  skipTags: string[];
  forks: number;
  extraVars: Record<string, unknown>;
}

export const DEFAULT_FORKS = 10;
