import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { hashStream } from './hash.js';
import { createIgnoreRules } from './ignore-rules.js';
import { scanLocal } from './local-index.js';

export interface RevisionOptions {
  /** Leave out what the sync ignore rules ignore (the default, as agentkernel's sync does). */
  ignore?: boolean;
}

/**
 * agentkernel's `workspace_revision` of a local folder: sha256 over the folders and regular files
 * (symlinks and special files are skipped), sorted by relative path as JavaScript sorts strings, each
 * contributing its path (UTF-8), then `dir` or `file`, then for a file its bytes, with no separators.
 * An empty folder gives the digest of nothing.
 */
export async function workspaceRevision(dir: string, options: RevisionOptions = {}): Promise<string> {
  const rules = options.ignore === false ? undefined : await createIgnoreRules();
  const { tree } = await scanLocal(dir, { rules, hash: false });
  const hash = createHash('sha256');
  const paths = [...tree.keys()].filter((p) => tree.get(p)?.kind !== 'symlink').sort();
  for (const path of paths) {
    const kind = tree.get(path)?.kind === 'dir' ? 'dir' : 'file';
    hash.update(revisionEntryPrefix(path, kind));
    if (kind === 'file')
      await hashStream(hash, createReadStream(join(dir, path), { highWaterMark: 1 << 20 }));
  }
  return hash.digest('hex');
}

/** Feeds one entry of a revision; shared with snapshots, which compute it from an archive. */
export function revisionEntryPrefix(path: string, kind: 'dir' | 'file'): Buffer {
  return Buffer.from(path + kind, 'utf8');
}
