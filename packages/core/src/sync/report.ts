import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { writeSyncManifest, type BaseEntry, type StatCache, type SyncManifest } from './sync-manifest.js';
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
    skipped: [],
    durationMs: 0,
    plan,
  };
}

/** `[size, mtime / divisor, sha256]` of every file with a known digest (divisor 1000: sandbox seconds). */
export function fileCache(tree: Tree, divisor: number): StatCache {
  const cache: StatCache = new Map();
  for (const [path, entry] of tree) {
    if (entry.kind === 'file' && entry.sha256)
      cache.set(path, [entry.size, entry.mtimeMs / divisor, entry.sha256]);
  }
  return cache;
}

/** Removes the temporary files an interrupted pull left behind. */
export async function cleanTempFiles(root: string, paths: readonly string[]): Promise<void> {
  await Promise.all(paths.map((path) => unlink(join(root, path)).catch(() => undefined)));
}

/**
 * Writes the next manifest unless it records exactly what the previous one did: a sync that found
 * nothing new costs no write (keeping the older sandbox clock only makes the next listing hash the
 * files modified since then, which it would hash anyway).
 */
export async function saveManifest(
  file: string,
  previous: SyncManifest | undefined,
  next: SyncManifest,
): Promise<void> {
  if (
    previous &&
    sameMap(previous.entries, next.entries, sameBase) &&
    sameMap(previous.local, next.local, sameStat) &&
    sameMap(previous.remote, next.remote, sameStat)
  )
    return;
  await writeSyncManifest(file, next);
}

function sameMap<T>(
  a: ReadonlyMap<string, T>,
  b: ReadonlyMap<string, T>,
  same: (x: T, y: T) => boolean,
): boolean {
  if (a.size !== b.size) return false;
  for (const [key, value] of a) {
    const other = b.get(key);
    if (other === undefined || !same(value, other)) return false;
  }
  return true;
}

const sameBase = (x: BaseEntry, y: BaseEntry): boolean =>
  x.kind === y.kind && x.mode === y.mode && x.sha256 === y.sha256 && x.target === y.target;
const sameStat = (x: [number, number, string], y: [number, number, string]): boolean =>
  x[0] === y[0] && x[1] === y[1] && x[2] === y[2];
