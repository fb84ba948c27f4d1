import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { StatCache } from './sync-manifest.js';
import type { SyncOptions, SyncPlan, SyncReport, Tree } from './types.js';

export function newReport(direction: 'push' | 'pull', options: SyncOptions, plan: SyncPlan): SyncReport {
  return {
    direction,
    dryRun: options.dryRun === true,
    filesSent: 0,
    bytesSent: 0,
    filesReceived: 0,
    bytesReceived: 0,
    deleted: 0,
    conflicts: plan.conflicts,
    durationMs: 0,
    plan,
  };
}

/** `[size, mtime / divisor, sha256]` of every file with a known digest (divisor 1000: sandbox seconds). */
export function fileCache(tree: Tree, divisor: number): StatCache {
  const cache: StatCache = new Map();
  for (const [path, entry] of tree) {
    if (entry.kind === 'file' && entry.sha256) cache.set(path, [entry.size, entry.mtimeMs / divisor, entry.sha256]);
  }
  return cache;
}

/** Removes the temporary files an interrupted pull left behind. */
export async function cleanTempFiles(root: string, paths: readonly string[]): Promise<void> {
  await Promise.all(paths.map((path) => unlink(join(root, path)).catch(() => undefined)));
}
