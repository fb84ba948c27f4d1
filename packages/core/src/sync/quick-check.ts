import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, type Dirent } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { atomicWriteFile } from '../state/atomic.js';
import { sha256Hex } from './hash.js';
import { IGNORE_FILES, type PruneName } from './ignore-rules.js';
import type { RemoteListing } from './remote-list.js';
import type { SyncOptions } from './types.js';

/** The quick check lives beside the manifest: `<manifest>.quick`. */
export const QUICK_SUFFIX = '.quick';

/**
 * A listing that hashed more files than this (modified near its `since`) is not kept as the quick
 * check's listing, which would hash them all again every time: the manifest takes the newer sandbox
 * clock instead, and the next pull's listing, hashing only what changed since, becomes the mark.
 */
const MARK_MAX_HASHED = 64;

/** Whether a listing hashed too many files to become the quick check's mark (see `MARK_MAX_HASHED`). */
export function costlyMark(listing: Pick<RemoteListing, 'hashedFiles'>): boolean {
  return listing.hashedFiles > MARK_MAX_HASHED;
}

/** A file modified this close to a fingerprint may change again within the same timestamp tick. */
const RACY_MS = 2_000;

/** A sandbox listing that matched the base, and what it was listed with (see `listingUnchanged`). */
export interface RemoteMark {
  since: number;
  prune: PruneName[];
  digest: string;
  /** {@link ruleFilesDigest} of the local folder then: other local rules could sync other paths. */
  rules: string;
}

/**
 * What the last syncs found when a side matched the manifest's base exactly, so that the next sync
 * which only reads that side can tell that nothing changed without reading the manifest or walking
 * both sides: a push needs only the local folder to be unchanged, a pull only the sandbox. It holds
 * only with the manifest it was written beside (`manifestSha`): any other manifest write voids it.
 */
export interface QuickCheck {
  localDir: string;
  workspaceDir: string;
  manifestSha: string;
  /** {@link localFingerprint} of the local folder when it matched the base. */
  local?: string;
  remote?: RemoteMark;
}

export type QuickSides = Pick<QuickCheck, 'local' | 'remote'>;

/** The quick check for this manifest, or undefined when there is none or it belongs to another one. */
export async function readQuickCheck(options: SyncOptions): Promise<QuickCheck | undefined> {
  try {
    const [text, manifest] = await Promise.all([
      readFile(options.manifestFile + QUICK_SUFFIX, 'utf8'),
      readFile(options.manifestFile),
    ]);
    const check = JSON.parse(text) as QuickCheck;
    if (
      check.localDir !== options.localDir ||
      check.workspaceDir !== options.workspaceDir ||
      check.manifestSha !== sha256Hex(manifest)
    )
      return undefined;
    return check;
  } catch {
    // Missing, unreadable or not ours: the sync only takes the long way.
    return undefined;
  }
}

/**
 * Writes the quick check for the manifest as it is now on disk: each side is the fresh one when the
 * sync just saw it match the base, else the previous one if the base did not change (a fingerprint
 * taken when the side matched that base still tells whether it does).
 */
export async function writeQuickCheck(
  options: SyncOptions,
  previous: QuickCheck | undefined,
  baseKept: boolean,
  fresh: QuickSides,
): Promise<void> {
  const file = options.manifestFile + QUICK_SUFFIX;
  const local = fresh.local ?? (baseKept ? previous?.local : undefined);
  const remote = fresh.remote ?? (baseKept ? previous?.remote : undefined);
  if (local === undefined && remote === undefined) {
    if (previous) await rm(file, { force: true });
    return;
  }
  const manifest = await readFile(options.manifestFile).catch(() => undefined);
  if (manifest === undefined) return;
  const check: QuickCheck = {
    localDir: options.localDir,
    workspaceDir: options.workspaceDir,
    manifestSha: sha256Hex(manifest),
    local,
    remote,
  };
  // Not flushed: after a crash the check is at worst missing or void, and the sync takes the long way.
  await atomicWriteFile(file, JSON.stringify(check), { durable: false });
}

export interface Fingerprint {
  value: string;
  /** False when an entry changed too recently for its stat to prove it unchanged later. */
  settled: boolean;
}

/**
 * A digest of every entry's stat (mode, size, mtime, ctime, inode) under `root`, walking with lstat
 * and skipping `prune` names as the sandbox listing does. It covers ignored entries too (telling them
 * apart would cost the ignore rules): a change there only makes the next sync take the long way.
 * Undefined when the folder cannot be walked.
 */
export function localFingerprint(root: string, prune: readonly PruneName[]): Fingerprint | undefined {
  const hash = createHash('sha256').update(JSON.stringify(prune));
  const racyAfter = Date.now() - RACY_MS;
  let settled = true;
  try {
    walkPruned(root, prune, (path, entry, absolute) => {
      const stats = lstatSync(absolute);
      if (stats.mtimeMs > racyAfter || stats.ctimeMs > racyAfter) settled = false;
      hash.update(`${path}\0${stats.mode} ${stats.size} ${stats.mtimeMs} ${stats.ctimeMs} ${stats.ino}\0`);
      return entry.isDirectory();
    });
  } catch {
    return undefined;
  }
  return { value: hash.digest('hex'), settled };
}

/**
 * A digest of the ignore-rule files under `root` and their content, found by name only (no stat), so
 * that a pull which skips its local walk still notices rules that would sync other paths.
 */
export function ruleFilesDigest(root: string, prune: readonly PruneName[]): string | undefined {
  const hash = createHash('sha256');
  try {
    walkPruned(root, prune, (path, entry, absolute) => {
      if (entry.isDirectory()) return true;
      if (entry.isFile() && IGNORE_FILES.includes(entry.name))
        hash.update(`${path}\0${sha256Hex(readFileSync(absolute))}\0`);
      return false;
    });
  } catch {
    return undefined;
  }
  return hash.digest('hex');
}

/**
 * Visits every entry below `root` but pruned names (rule files excepted), by relative and absolute path (joined by hand:
 * `path.join` would cost as much as the lstat); `visit` returns whether to descend.
 */
function walkPruned(
  root: string,
  prune: readonly PruneName[],
  visit: (path: string, entry: Dirent, absolute: string) => boolean,
): void {
  // A rule file is read wherever it is, even where a rule leaves it out: it is never pruned.
  const names = new Map(prune.filter((p) => !IGNORE_FILES.includes(p.name)).map((p) => [p.name, p.dirOnly]));
  const walk = (dir: string, absolute: string): void => {
    for (const entry of readdirSync(absolute, { withFileTypes: true })) {
      const dirOnly = names.get(entry.name);
      if (dirOnly !== undefined && (!dirOnly || entry.isDirectory())) continue;
      const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
      const full = `${absolute}/${entry.name}`;
      if (visit(path, entry, full)) walk(path, full);
    }
  };
  walk('', resolve(root));
}
