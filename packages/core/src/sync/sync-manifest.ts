import { readFile } from 'node:fs/promises';
import { StateError } from '../errors/errors.js';
import { atomicWriteFile } from '../state/index.js';
import type { EntryKind, Tree, TreeEntry } from './types.js';

/** The content of a path as both sides agreed at the last sync. */
export interface BaseEntry {
  kind: EntryKind;
  mode: number;
  sha256?: string;
  target?: string;
}

/**
 * `[size, time, sha256]` of a file as last hashed, so unchanged files are not hashed again; the time is
 * the ctime in milliseconds locally, the mtime in seconds in the sandbox.
 */
export type StatCache = Map<string, [number, number, string]>;

/**
 * The last-synced manifest, kept in state per sandbox. `entries` is the common base of the three-way
 * comparison; `local` and `remote` cache file digests by size and time on each side (see `StatCache`).
 */
export interface SyncManifest {
  workspaceDir: string;
  /** The sandbox clock (seconds) when it was last listed; files modified since are hashed again. */
  remoteClock: number;
  entries: Map<string, BaseEntry>;
  local: StatCache;
  remote: StatCache;
}

const VERSION = 1;

export function emptyManifest(workspaceDir: string): SyncManifest {
  return { workspaceDir, remoteClock: 0, entries: new Map(), local: new Map(), remote: new Map() };
}

type StoredStat = [number, number, string];
/** One path on disk: its base (or 0 when it has none) and its cached stats per side (or 0). */
type StoredPath = [[string, number, string?] | 0, StoredStat | 0, StoredStat | 0];

const KIND_CODES: Record<string, EntryKind> = { f: 'file', d: 'dir', l: 'symlink' };
/** Stored for a cached digest equal to the base's, which is by far the common case. */
const SAME = '=';

/**
 * Reads the manifest, or returns undefined when there is none for this workspace folder (first sync).
 * A file that cannot be understood is an error rather than a silent first sync, which could overwrite.
 */
export async function readSyncManifest(
  file: string,
  workspaceDir: string,
): Promise<SyncManifest | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateError(`cannot read the sync manifest ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const broken = (why: string, cause?: unknown): StateError =>
    new StateError(`the sync manifest ${file} is unusable: ${why}`, {
      cause,
      hint: `delete ${file} to start over; the next push then treats the local folder as authoritative`,
    });
  let data: { version?: unknown; workspaceDir?: unknown; remoteClock?: unknown; paths?: unknown };
  try {
    data = JSON.parse(text) as typeof data;
  } catch (error) {
    throw broken('not valid JSON', error);
  }
  if (typeof data !== 'object' || data === null) throw broken('not an object');
  if (data.version !== VERSION) throw broken(`version ${JSON.stringify(data.version)} is not ${VERSION}`);
  if (typeof data.workspaceDir !== 'string' || typeof data.remoteClock !== 'number')
    throw broken('workspaceDir or remoteClock missing');
  if (typeof data.paths !== 'object' || data.paths === null) throw broken('paths missing');
  if (data.workspaceDir !== workspaceDir) return undefined;
  const manifest = emptyManifest(workspaceDir);
  manifest.remoteClock = data.remoteClock;
  for (const [path, stored] of Object.entries(data.paths as Record<string, StoredPath>)) {
    const [base, local, remote] = stored;
    let digest: string | undefined;
    if (base) {
      const kind = KIND_CODES[base[0]];
      if (!kind) throw broken(`unknown kind ${JSON.stringify(base[0])} for ${path}`);
      const entry: BaseEntry = { kind, mode: base[1] };
      if (kind === 'file' && base[2] !== undefined) entry.sha256 = digest = base[2];
      if (kind === 'symlink') entry.target = base[2] ?? '';
      manifest.entries.set(path, entry);
    }
    if (local) manifest.local.set(path, [local[0], local[1], local[2] === SAME ? (digest ?? '') : local[2]]);
    if (remote)
      manifest.remote.set(path, [remote[0], remote[1], remote[2] === SAME ? (digest ?? '') : remote[2]]);
  }
  return manifest;
}

export async function writeSyncManifest(file: string, manifest: SyncManifest): Promise<void> {
  const paths: Record<string, StoredPath> = {};
  const keys = new Set([...manifest.entries.keys(), ...manifest.local.keys(), ...manifest.remote.keys()]);
  for (const path of keys) {
    const base = manifest.entries.get(path);
    const digest = base?.sha256;
    const stat = (cached: [number, number, string] | undefined): StoredStat | 0 =>
      cached ? [cached[0], cached[1], digest !== undefined && cached[2] === digest ? SAME : cached[2]] : 0;
    const storedBase: StoredPath[0] = base
      ? base.kind === 'dir'
        ? ['d', base.mode]
        : base.kind === 'symlink'
          ? ['l', 0, base.target ?? '']
          : digest === undefined
            ? ['f', base.mode]
            : ['f', base.mode, digest]
      : 0;
    paths[path] = [storedBase, stat(manifest.local.get(path)), stat(manifest.remote.get(path))];
  }
  const body = {
    version: VERSION,
    workspaceDir: manifest.workspaceDir,
    remoteClock: manifest.remoteClock,
    paths,
  };
  await atomicWriteFile(file, JSON.stringify(body));
}

/** The base form of an observed entry (what both sides hold after syncing it). */
export function toBase(entry: TreeEntry): BaseEntry {
  if (entry.kind === 'symlink') return { kind: 'symlink', mode: 0, target: entry.target ?? '' };
  if (entry.kind === 'dir') return { kind: 'dir', mode: entry.mode };
  return entry.sha256 === undefined
    ? { kind: 'file', mode: entry.mode }
    : { kind: 'file', mode: entry.mode, sha256: entry.sha256 };
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

/**
 * Writes the next manifest unless it records exactly what the previous one did: a sync that found
 * nothing new costs no write (keeping the older sandbox clock only makes the next listing hash the
 * files modified since then, which it would hash anyway), unless `newClock` asks for the newer clock
 * (the listing hashed many files that a newer clock spares). Returns whether the base stayed the same.
 */
export async function saveManifest(
  file: string,
  previous: SyncManifest | undefined,
  next: SyncManifest,
  newClock = false,
): Promise<boolean> {
  const baseKept = previous !== undefined && sameMap(previous.entries, next.entries, sameBase);
  if (
    baseKept &&
    (!newClock || previous.remoteClock === next.remoteClock) &&
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
