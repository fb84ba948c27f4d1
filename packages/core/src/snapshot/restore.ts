import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import type { SandboxHandle } from '../contract/backend.js';
import { AgentkernelError, BackendError } from '../errors/errors.js';
import { hashStream } from '../sync/hash.js';
import type { SyncProgress } from '../sync/types.js';
import { SnapshotChecksumError } from './errors.js';
import type { SnapshotManifest } from './manifest.js';
import type { SnapshotStore } from './store.js';

export interface RestoreWorkspaceOptions {
  manifest: SnapshotManifest;
  store: SnapshotStore;
  handle: SandboxHandle;
  /** Where to unpack in the target sandbox (normally `/workspace`); existing files are replaced, others kept. */
  workspaceDir: string;
  onProgress?: (progress: SyncProgress) => void;
  signal?: AbortSignal;
}

/**
 * Unpacks a portable snapshot into a sandbox of any backend. The archive's sha256 is checked against
 * the manifest first, before the sandbox is touched: a corrupt snapshot changes nothing.
 */
export async function restoreWorkspace(options: RestoreWorkspaceOptions): Promise<void> {
  const { manifest, store, handle, workspaceDir } = options;
  const expected = manifest.workspace.archiveSha256;
  const hash = createHash('sha256');
  await hashStream(hash, await store.openArchive(manifest.name), options.signal);
  const actual = hash.digest('hex');
  if (actual !== expected)
    throw new SnapshotChecksumError(manifest.name, expected, actual, 'workspace.tar.gz');

  const bytesTotal = manifest.workspace.archiveBytes;
  let bytesDone = 0;
  const progress = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytesDone += chunk.length;
      options.onProgress?.({ phase: 'restore', bytesDone, bytesTotal });
      callback(null, chunk);
    },
  });
  const archive = (await store.openArchive(manifest.name)).pipe(progress);
  try {
    await handle.putArchive(workspaceDir, archive);
  } catch (error) {
    archive.destroy();
    if (AgentkernelError.isInstance(error)) throw error;
    throw new BackendError(
      handle.ref.backend,
      `could not restore snapshot "${manifest.name}" into ${workspaceDir}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}
