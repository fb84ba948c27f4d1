import { readFile } from 'node:fs/promises';
import { StateError } from '../errors/errors.js';
import { atomicWriteFile } from '../state/index.js';
import type { EntryKind, TreeEntry } from './types.js';

/** The content of a path as both sides agreed at the last sync. */
export interface BaseEntry {
  kind: EntryKind;
  mode: number;
  sha256?: string;
  target?: string;
}

/** `[size, mtimeMs, sha256]` of a file as last hashed, so unchanged files are not hashed again. */
export type StatCache = Map<string, [number, number, string]>;

/**
 * The last-synced manifest, kept in state per sandbox. `entries` is the common base of the three-way
 * comparison; `local` and `remote` cache file digests by size and mtime on each side.
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

/**
 * Reads the manifest, or returns undefined when there is none for this workspace folder (first sync).
 * A file that cannot be understood is an error rather than a silent first sync, which could overwrite.
 */
export async function readSyncManifest(file: string, workspaceDir: string): Promise<SyncManifest | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateError(`cannot read the sync manifest ${file}: ${(error as Error).message}`, { cause: error });
  }
  const broken = (why: string, cause?: unknown): StateError =>
    new StateError(`the sync manifest ${file} is unusable: ${why}`, {
      cause,
      hint: `delete ${file} to start over; the next push then treats the local folder as authoritative`,
    });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw broken('not valid JSON', error);
  }
  const data = raw as { version?: unknown; workspaceDir?: unknown; remoteClock?: unknown; entries?: unknown; local?: unknown; remote?: unknown };
  if (typeof data !== 'object' || data === null) throw broken('not an object');
  if (data.version !== VERSION) throw broken(`version ${JSON.stringify(data.version)} is not ${VERSION}`);
  if (typeof data.workspaceDir !== 'string' || typeof data.remoteClock !== 'number') throw broken('workspaceDir or remoteClock missing');
  if (!isRecord(data.entries) || !isRecord(data.local) || !isRecord(data.remote)) throw broken('entries, local or remote missing');
  if (data.workspaceDir !== workspaceDir) return undefined;
  return {
    workspaceDir,
    remoteClock: data.remoteClock,
    entries: new Map(Object.entries(data.entries as Record<string, BaseEntry>)),
    local: new Map(Object.entries(data.local as Record<string, [number, number, string]>)),
    remote: new Map(Object.entries(data.remote as Record<string, [number, number, string]>)),
  };
}

export async function writeSyncManifest(file: string, manifest: SyncManifest): Promise<void> {
  const body = {
    version: VERSION,
    workspaceDir: manifest.workspaceDir,
    remoteClock: manifest.remoteClock,
    entries: Object.fromEntries(manifest.entries),
    local: Object.fromEntries(manifest.local),
    remote: Object.fromEntries(manifest.remote),
  };
  await atomicWriteFile(file, JSON.stringify(body));
}

/** The base form of an observed entry (what both sides hold after syncing it). */
export function toBase(entry: TreeEntry): BaseEntry {
  if (entry.kind === 'symlink') return { kind: 'symlink', mode: 0, target: entry.target ?? '' };
  if (entry.kind === 'dir') return { kind: 'dir', mode: entry.mode };
  return entry.sha256 === undefined ? { kind: 'file', mode: entry.mode } : { kind: 'file', mode: entry.mode, sha256: entry.sha256 };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
