import { loadDaemonConfig } from './config.js';
import { readNamedFile } from './config-files.js';
import { parseKeyFile, selectKey } from '../dns/key-file.js';

/**
 * Everything the daemon would refuse at start, without starting it: the playbook runs this
 * before it replaces a node's config. Returns the line the check prints.
 */
export async function checkDaemonConfig(file: string): Promise<string> {
  const config = await loadDaemonConfig(file);
  const keyText = await readNamedFile(config.dns.tsigKeyFile, file, 'dns.tsigKeyFile');
  selectKey(parseKeyFile(keyText, config.dns.tsigKeyFile), config.dns.tsigKeyFile);
  return `${file}: ${config.mode} daemon for ${config.node}, ${config.paths.length} path(s)`;
}
