import type { Remote } from '../transport/types.js';

export type { Remote };

export interface FileDiff {
  path: string;
  before: string;
  after: string;
  beforeHeader?: string;
  afterHeader?: string;
}

/** What one module run reports; extra keys become the registered result, as in Ansible. */
export interface ModuleResult {
  changed: boolean;
  failed?: boolean;
  skipped?: boolean;
  msg?: string;
  diff?: FileDiff[];
  rc?: number;
  stdout?: string;
  stderr?: string;
  [key: string]: unknown;
}

export interface ModuleContext {
  remote: Remote;
  check: boolean;
  diff: boolean;
  /** Folder of the playbook; `src` of copy/template is looked up from here (files/, templates/). */
  playbookDir: string;
  /** Folder of the task file being run, looked up before playbookDir. */
  taskDir?: string;
  /** Variables visible to the task, for the template module. */
  vars: Record<string, unknown>;
  /** Renders Jinja2 text with the task's variables (the template module's seam). */
  renderTemplate(source: string, templatePath: string): string;
  now(): number;
}

export interface Module {
  readonly name: string;
  /** Other names it answers to, e.g. ansible.builtin.copy. */
  readonly aliases?: readonly string[];
  /** Pure check of the arguments; throws IngressError('E_VALIDATION') naming the field. */
  validate(args: Record<string, unknown>): void;
  run(args: Record<string, unknown>, ctx: ModuleContext): Promise<ModuleResult>;
}
