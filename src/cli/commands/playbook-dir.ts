import { fileURLToPath } from 'node:url';

/** playbooks/ sits at the repository root, three levels above src/cli/commands (and dist/cli/commands). */
export const PLAYBOOK_DIR = fileURLToPath(new URL('../../../playbooks/', import.meta.url));
