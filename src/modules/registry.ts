import { aptModule } from './apt.js';
import { commandModule, shellModule } from './command.js';
import { copyModule } from './copy.js';
import { fileModule } from './file.js';
import { setupModule } from './setup.js';
import { sysctlModule } from './sysctl.js';
import { systemdModule } from './systemd.js';
import { templateModule } from './template.js';
import type { Module } from './types.js';
import { waitForModule } from './wait-for.js';

const MODULES: readonly Module[] = [
  aptModule,
  commandModule,
  copyModule,
  fileModule,
  setupModule,
  shellModule,
  sysctlModule,
  systemdModule,
  templateModule,
  waitForModule,
];

const BY_NAME = new Map<string, Module>();
for (const mod of MODULES) {
  for (const name of [mod.name, ...(mod.aliases ?? [])]) BY_NAME.set(name, mod);
}

/** The module for a task keyword: short names and ansible.builtin.* (or ansible.legacy.*) alike. */
export function getModule(name: string): Module | undefined {
  return BY_NAME.get(name) ?? BY_NAME.get(name.replace(/^ansible\.legacy\./, 'ansible.builtin.'));
}

/** Every name a module answers to, sorted. */
export function moduleNames(): string[] {
  return [...BY_NAME.keys()].sort();
}
