import { aptModule } from './apt.js';
import { aptKeyModule } from './apt-key.js';
import { aptRepositoryModule } from './apt-repository.js';
import { getUrlModule } from './get-url.js';
import { gitModule } from './git.js';
import { serviceFactsModule } from './service-facts.js';
import { blockinfileModule } from './blockinfile.js';
import { cronModule } from './cron.js';
import { groupModule } from './group.js';
import { includeVarsModule } from './include-vars.js';
import { lineinfileModule } from './lineinfile.js';
import { packageModule } from './package.js';
import { statModule } from './stat.js';
import { userModule } from './user.js';
import { commandModule, shellModule } from './command.js';
import { copyModule } from './copy.js';
import { deb822RepositoryModule } from './deb822-repository.js';
import { fileModule } from './file.js';
import { setupModule } from './setup.js';
import { sysctlModule } from './sysctl.js';
import { systemdModule } from './systemd.js';
import { templateModule } from './template.js';
import { unarchiveModule } from './unarchive.js';
import type { Module } from './types.js';
import { waitForModule } from './wait-for.js';

const MODULES: readonly Module[] = [
  aptModule,
  aptKeyModule,
  aptRepositoryModule,
  blockinfileModule,
  commandModule,
  copyModule,
  cronModule,
  deb822RepositoryModule,
  fileModule,
  getUrlModule,
  gitModule,
  groupModule,
  includeVarsModule,
  lineinfileModule,
  packageModule,
  serviceFactsModule,
  setupModule,
  shellModule,
  statModule,
  sysctlModule,
  systemdModule,
  templateModule,
  unarchiveModule,
  userModule,
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
