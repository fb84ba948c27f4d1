import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { digestFile, forEachLimited } from './hash.js';
import { IGNORE_FILES, TEMP_PREFIX, type IgnoreRules } from './ignore-rules.js';
import type { StatCache } from './sync-manifest.js';
import type { Tree, TreeEntry } from './types.js';

export interface LocalScan {
  tree: Tree;
  /** Leftover temporary files of an interrupted pull, to remove. */
  tempFiles: string[];
  /** Bytes hashed because size or mtime changed. */
  bytesHashed: number;
  /** Files read by this scan (hashed, and checked for `secrets`). */
  checked: Set<string>;
  /** Files holding one of `secrets`: left out of `tree`. */
  withSecrets: string[];
}

export interface ScanOptions {
  /** Receives the rule files found while walking (they also prune the walk); without it nothing is ignored. */
  rules?: IgnoreRules;
  /** Digests by size and ctime from the last sync; files that match are not read. */
  cache?: StatCache;
  /** Hash files at all (false gives a tree without digests, for a quick listing). */
  hash?: boolean;
  /** Called once the walk is done (every rule file is known), with the number of files to hash. */
  afterWalk?: (filesToHash: number) => void;
  /** Called when the walk meets the first file whose size or mtime differs from the cache. */
  onStatChange?: () => void;
  /** Values no file may hold: a file read by the scan that holds one is left out of the tree. */
  secrets?: readonly string[];
  signal?: AbortSignal;
}

/** A file modified this close to the scan may change again within the same mtime tick: hash it anyway. */
const RACY_MS = 2_000;

/**
 * Walks `root` with lstat (symlinks are recorded, never followed), applying the ignore rules of each
 * folder to its subtree, and hashes only files whose size or mtime differ from the cache.
 */
export async function scanLocal(root: string, options: ScanOptions): Promise<LocalScan> {
  const tree: Tree = new Map();
  const tempFiles: string[] = [];
  const toHash: string[] = [];
  const startedAt = Date.now();
  const { rules, cache } = options;

  // Synchronous calls on purpose: thousands of lstat calls through the promise API cost about three
  // times as much as the walk itself. The walk yields between folders so a concurrent exec proceeds.
  let statChanged = false;
  const walk = async (dir: string): Promise<void> => {
    await new Promise((resolve) => setImmediate(resolve));
    options.signal?.throwIfAborted();
    const absolute = dir === '' ? root : join(root, dir);
    const names = readdirSync(absolute);
    for (const name of rules ? IGNORE_FILES : []) {
      if (!names.includes(name)) continue;
      const content = readOptional(join(absolute, name));
      if (content !== undefined) rules?.addFile(dir, name, content);
    }
    const subdirs: string[] = [];
    for (const name of names) {
      const path = dir === '' ? name : `${dir}/${name}`;
      if (rules && name.startsWith(TEMP_PREFIX)) {
        tempFiles.push(path);
        continue;
      }
      const stats = lstatSync(join(absolute, name), { throwIfNoEntry: false });
      if (!stats) continue;
      const isDir = stats.isDirectory();
      if (rules?.ignores(path, isDir)) continue;
      if (isDir) {
        tree.set(path, { kind: 'dir', mode: stats.mode & 0o7777, size: 0, mtimeMs: stats.mtimeMs });
        subdirs.push(path);
      } else if (stats.isSymbolicLink()) {
        tree.set(path, {
          kind: 'symlink',
          mode: 0,
          size: 0,
          mtimeMs: stats.mtimeMs,
          target: readlinkSync(join(absolute, name)),
        });
      } else if (stats.isFile()) {
        const entry: TreeEntry = {
          kind: 'file',
          mode: stats.mode & 0o7777,
          size: stats.size,
          mtimeMs: stats.mtimeMs,
          ctimeMs: stats.ctimeMs,
        };
        const cached = cache?.get(path);
        // The ctime, not the mtime: an edit that keeps the size and puts the mtime back still changes it.
        if (
          cached &&
          cached[0] === stats.size &&
          cached[1] === stats.ctimeMs &&
          stats.ctimeMs < startedAt - RACY_MS
        ) {
          entry.sha256 = cached[2];
        } else {
          toHash.push(path);
          if (!statChanged) {
            statChanged = true;
            options.onStatChange?.();
          }
        }
        tree.set(path, entry);
      }
    }
    for (const sub of subdirs) await walk(sub);
  };

  await walk('');
  options.afterWalk?.(toHash.length);
  let bytesHashed = 0;
  const checked = new Set<string>();
  const withSecrets: string[] = [];
  if (options.hash !== false) {
    await forEachLimited(toHash, 4, async (path) => {
      const entry = tree.get(path);
      if (!entry) return;
      try {
        const { sha256, holdsSecret } = await digestFile(
          join(root, path),
          options.secrets ?? [],
          options.signal,
        );
        entry.sha256 = sha256;
        bytesHashed += entry.size;
        checked.add(path);
        if (holdsSecret) {
          withSecrets.push(path);
          tree.delete(path);
        }
      } catch (error) {
        // A file deleted while scanning is simply not there.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        tree.delete(path);
      }
    });
  }
  return { tree, tempFiles, bytesHashed, checked, withSecrets };
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Removes the temporary files an interrupted pull left behind. */
export async function cleanTempFiles(root: string, paths: readonly string[]): Promise<void> {
  await Promise.all(paths.map((path) => unlink(join(root, path)).catch(() => undefined)));
}
