import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { IngressError } from '../errors.js';
import type { LabTsigKey } from './stack-services.js';

/**
 * What `ingress lab` keeps between invocations, in a folder (`.lab/` by default):
 * state.json (this document), the SSH key pair, known_hosts, the inventory and,
 * inside it, the CA state `ingress up` uses (inventory/.ingress-state/pki).
 */
export interface LabState {
  version: 1;
  /** Label value of every container and network of this lab (`ingress.lab=<runId>`). */
  runId: string;
  /** Second octet of the lab's 10.x.0.0/16. */
  base: number;
  /** Debian release of the nodes (13 when absent: labs made before the choice existed). */
  debian?: 12 | 13;
  createdAt: string;
  /** `starting` until the topology is up and the folder holds everything below. */
  phase: 'starting' | 'ready';
  /** The key the lab's BIND accepts RFC 2136 updates with (a secret: the file is 0600). */
  tsig?: LabTsigKey;
}

export const DEFAULT_LAB_DIR = '.lab';

/** Every file of a lab folder, by role. */
export function labPaths(dir: string) {
  const root = resolve(dir);
  return {
    root,
    state: join(root, 'state.json'),
    privateKey: join(root, 'id_ed25519'),
    knownHosts: join(root, 'known_hosts'),
    inventory: join(root, 'inventory'),
    /** The client's copy of pebble's root, at this path inside the client container. */
    clientPebbleRoot: '/etc/ingress-lab/pebble-root.pem',
  };
}

function fail(file: string, field: string, message: string): never {
  throw new IngressError('E_LAB', `${message}; remove the folder with \`ingress lab down\``, {
    location: { file, field },
  });
}

function parseTsig(file: string, value: unknown): LabTsigKey | undefined {
  if (value === undefined) return undefined;
  const t = value as Partial<LabTsigKey> | null;
  if (typeof t !== 'object' || t === null) fail(file, 'tsig', 'tsig must be an object');
  if (typeof t.name !== 'string' || t.name === '') fail(file, 'tsig.name', 'tsig.name must be a name');
  if (t.algorithm !== 'hmac-sha256') fail(file, 'tsig.algorithm', 'tsig.algorithm must be hmac-sha256');
  if (typeof t.secretBase64 !== 'string' || !/^[A-Za-z0-9+/]+=*$/.test(t.secretBase64))
    fail(file, 'tsig.secretBase64', 'tsig.secretBase64 must be base64');
  return { name: t.name, algorithm: t.algorithm, secretBase64: t.secretBase64 };
}

/** Reads state.json text; anything off names the file and the field. */
export function parseLabState(text: string, file: string): LabState {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    throw new IngressError('E_LAB', `${file} is not JSON: ${(cause as Error).message}`, {
      cause,
      location: { file },
    });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    fail(file, '(root)', 'the lab state must be a JSON object');
  const d = doc as Record<string, unknown>;
  if (d.version !== 1) fail(file, 'version', `unsupported lab state version ${String(d.version)}`);
  if (typeof d.runId !== 'string' || !/^[a-z0-9]{1,32}$/.test(d.runId))
    fail(file, 'runId', 'runId must be 1-32 lower-case letters or digits');
  if (typeof d.base !== 'number' || !Number.isInteger(d.base) || d.base < 0 || d.base > 255)
    fail(file, 'base', 'base must be an integer 0-255');
  if (d.debian !== undefined && d.debian !== 12 && d.debian !== 13)
    fail(file, 'debian', 'debian must be 12 or 13');
  if (typeof d.createdAt !== 'string' || Number.isNaN(Date.parse(d.createdAt)))
    fail(file, 'createdAt', 'createdAt must be an ISO date');
  if (d.phase !== 'starting' && d.phase !== 'ready') fail(file, 'phase', 'phase must be starting or ready');
  const tsig = parseTsig(file, d.tsig);
  return {
    version: 1,
    runId: d.runId,
    base: d.base,
    ...(d.debian === undefined ? {} : { debian: d.debian }),
    createdAt: d.createdAt,
    phase: d.phase,
    ...(tsig ? { tsig } : {}),
  };
}

/** The state in the folder, or undefined when there is no lab there. */
export async function readLabState(dir: string): Promise<LabState | undefined> {
  const file = labPaths(dir).state;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new IngressError('E_LAB', `cannot read ${file}`, { cause: err, location: { file } });
  }
  return parseLabState(text, file);
}

/** Written 0600 (it holds the TSIG secret) and renamed into place, so a reader never sees half. */
export async function writeLabState(dir: string, state: LabState): Promise<void> {
  const paths = labPaths(dir);
  await mkdir(paths.root, { recursive: true, mode: 0o700 });
  const temp = `${paths.state}.tmp`;
  await writeFile(temp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, paths.state);
}
