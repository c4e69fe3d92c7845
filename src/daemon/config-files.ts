import { readFile } from 'node:fs/promises';
import { IngressError } from '../errors.js';

/** A file the config names: when it cannot be read, the message points at the config field. */
export async function readNamedFile(path: string, configFile: string, field: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new IngressError('E_CONFIG', `cannot read ${path}: ${reason}`, {
      cause,
      location: { file: configFile, field },
    });
  }
}
