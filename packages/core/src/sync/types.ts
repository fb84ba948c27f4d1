import type { SandboxHandle } from '../contract/backend.js';

/** What a workspace path is. Other kinds (fifos, sockets, devices) are never synced. */
export type EntryKind = 'file' | 'dir' | 'symlink';

/** One path of a workspace as observed on one side. */
export interface TreeEntry {
  readonly kind: EntryKind;
  /** Permission bits (`mode & 0o7777`); 0 for symlinks. */
  readonly mode: number;
  /** Bytes, for files; 0 otherwise. */
  readonly size: number;
  /** Modification time in milliseconds (the sandbox side has whole seconds). */
  readonly mtimeMs: number;
  /**
   * Inode change time in milliseconds, local files only: unlike the mtime, no program can set it back,
   * so the local digest cache is keyed on it.
   */
  readonly ctimeMs?: number;
  /** Content digest of a file; absent when unknown (a sandbox file whose stat changed but was not hashed). */
  sha256?: string;
  /** Target of a symlink, verbatim. */
  readonly target?: string;
}

/** Relative POSIX path (no leading `./`) to entry. */
export type Tree = Map<string, TreeEntry>;

/** Progress of a sync or snapshot phase. */
export interface SyncProgress {
  phase: string;
  bytesDone: number;
  bytesTotal?: number;
}

export interface SyncOptions {
  handle: SandboxHandle;
  /** The project folder on this machine. */
  localDir: string;
  /** The workspace folder in the sandbox, an absolute path (normally `/workspace`). */
  workspaceDir: string;
  /** Where the last-synced manifest lives (`StateStore.syncManifestFile(name)`). */
  manifestFile: string;
  /** Which side wins a path changed on both sides; without it such paths stop the sync. */
  prefer?: 'local' | 'remote';
  /** Compute and return the plan without changing anything. */
  dryRun?: boolean;
  onProgress?: (progress: SyncProgress) => void;
  /** Receives one line per entry left out (see {@link SyncReport.skipped}), already escaped. */
  onWarning?: (message: string) => void;
  /**
   * Credential values no file may carry into the sandbox: a local file holding one is treated as
   * ignored. Defaults to every secret registered with the redactor.
   */
  secrets?: readonly string[];
  /** How long listing the sandbox may take before it is retried without hashing (default 60 s). */
  listTimeoutMs?: number;
  signal?: AbortSignal;
}

/** An entry a sync left out, and why. */
export interface SkippedEntry {
  /** The workspace-relative path, escaped so that any byte prints safely. */
  path: string;
  reason: string;
}

/** What a sync would do (or did). Paths are relative to the workspace. */
export interface SyncPlan {
  upload: string[];
  download: string[];
  deleteRemote: string[];
  deleteLocal: string[];
  conflicts: string[];
}

export interface SyncReport {
  direction: 'push' | 'pull';
  dryRun: boolean;
  /** Entries (files, symlinks, folders) sent; `filesReceived` likewise. */
  filesSent: number;
  /** Compressed archive bytes handed to `putArchive` plus the delete list. */
  bytesSent: number;
  filesReceived: number;
  /** Compressed archive bytes read from `getArchive`. */
  bytesReceived: number;
  deleted: number;
  conflicts: string[];
  /**
   * Entries left out: sandbox entries that cannot come back (a fifo, a device, a symlink leaving the
   * workspace, a name that is not UTF-8, a path too long here) and local files holding a credential.
   */
  skipped: SkippedEntry[];
  /**
   * Whether the quick check settled it: the side this sync reads matched the last sync's base by
   * fingerprint (a push) or by listing digest (a pull), so nothing else was read and nothing moved.
   */
  quick: boolean;
  durationMs: number;
  plan: SyncPlan;
}

export type SyncStatus = SyncPlan & { localChanged: string[]; remoteChanged: string[] };
