import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { writeSyncManifest, type BaseEntry, type StatCache, type SyncManifest } from './sync-manifest.js';
import type { SyncOptions, SyncPlan, SyncReport, Tree, TreeEntry } from './types.js';

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
    quick: false,
    durationMs: 0,
    plan,
  };
}

/** The report of a sync that found nothing to do. */
export function quietReport(direction: 'push' | 'pull', options: SyncOptions, started: number): SyncReport {
  const empty = { upload: [], download: [], deleteRemote: [], deleteLocal: [], conflicts: [] };
  return { ...newReport(direction, options, empty), durationMs: performance.now() - started };
}

/** The report of a sync the quick check settled (see {@link SyncReport.quick}). */
export function quickReport(direction: 'push' | 'pull', options: SyncOptions, started: number): SyncReport {
  return { ...quietReport(direction, options, started), quick: true };
}

/** `[size, time, sha256]` of every local file with a known digest, the time being its ctime. */
export function localFileCache(tree: Tree): StatCache {
  return fileCache(tree, (entry) => entry.ctimeMs);
}

/** `[size, time, sha256]` of every sandbox file with a known digest, the time being its mtime in seconds. */
export function remoteFileCache(tree: Tree): StatCache {
  return fileCache(tree, (entry) => entry.mtimeMs / 1000);
}

function fileCache(tree: Tree, time: (entry: TreeEntry) => number | undefined): StatCache {
  const cache: StatCache = new Map();
  for (const [path, entry] of tree) {
    const at = time(entry);
    if (entry.kind === 'file' && entry.sha256 && at !== undefined)
      cache.set(path, [entry.size, at, entry.sha256]);
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
 * files modified since then, which it would hash anyway). Returns whether the base stayed the same.
 */
export async function saveManifest(
  file: string,
  previous: SyncManifest | undefined,
  next: SyncManifest,
): Promise<boolean> {
  const baseKept = previous !== undefined && sameMap(previous.entries, next.entries, sameBase);
  if (
    baseKept &&
    sameMap(previous.local, next.local, sameStat) &&
    sameMap(previous.remote, next.remote, sameStat)
  )
    return true;
  await writeSyncManifest(file, next);
  return baseKept;
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
