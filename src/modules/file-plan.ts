import { createHash } from 'node:crypto';
import type { PathStat } from '../facts/stat.js';
import type { ModeSpec } from './mode.js';
import { formatMode, resolveMode } from './mode.js';
import type { Plan } from './plan.js';
import { planOf } from './plan.js';

/** What copy and template want at dest. */
export interface WantedFile {
  content: Buffer;
  mode?: ModeSpec;
  owner?: string;
  group?: string;
  /** false: an existing dest is left alone whatever its content. */
  force: boolean;
}

export type FileChange =
  | { kind: 'content'; from?: string; to: string }
  | { kind: 'mode'; from?: number; to: number }
  | { kind: 'owner'; from?: string; to: string }
  | { kind: 'group'; from?: string; to: string };

export function sha256(content: Buffer | string): string {
  return createHash('sha256').update(content).digest('hex');
}

/** New files start as 0644, as with Ansible's default umask. */
const NEW_FILE_MODE = 0o644;

/** Ownership and mode changes against what is there (or the new-file defaults). */
export function planAttributes(
  wanted: Pick<WantedFile, 'mode' | 'owner' | 'group'>,
  dest: PathStat,
  isDir: boolean,
): FileChange[] {
  const changes: FileChange[] = [];
  if (wanted.mode !== undefined) {
    const from = dest.exists ? dest.mode : undefined;
    const to = resolveMode(wanted.mode, from ?? (isDir ? 0o755 : NEW_FILE_MODE), isDir);
    if (from !== to) changes.push({ kind: 'mode', from, to });
  }
  if (wanted.owner !== undefined && dest.owner !== wanted.owner) {
    changes.push({ kind: 'owner', from: dest.owner, to: wanted.owner });
  }
  if (wanted.group !== undefined && dest.group !== wanted.group) {
    changes.push({ kind: 'group', from: dest.group, to: wanted.group });
  }
  return changes;
}

/** Pure: the changes that make dest hold `wanted`, compared by sha256. */
export function planFileContent(wanted: WantedFile, dest: PathStat): Plan<FileChange> {
  if (dest.exists && !wanted.force) return planOf([], 'dest exists and force is false', '');
  const to = sha256(wanted.content);
  const changes: FileChange[] = [];
  if (!dest.exists || dest.checksum !== to) changes.push({ kind: 'content', from: dest.checksum, to });
  changes.push(...planAttributes(wanted, dest, false));
  const what = changes.map((c) => c.kind).join(', ');
  return planOf(changes, 'dest already matches', dest.exists ? `${what} differ` : 'dest is absent');
}

/** Commands that fix mode and ownership in place (content is written separately). */
export function attributeCommands(
  path: string,
  changes: readonly FileChange[],
  quote: (s: string) => string,
) {
  const cmds: string[] = [];
  for (const change of changes) {
    if (change.kind === 'mode') cmds.push(`chmod ${formatMode(change.to)} -- ${quote(path)}`);
    if (change.kind === 'owner') cmds.push(`chown ${quote(change.to)} -- ${quote(path)}`);
    if (change.kind === 'group') cmds.push(`chgrp ${quote(change.to)} -- ${quote(path)}`);
  }
  return cmds;
}
